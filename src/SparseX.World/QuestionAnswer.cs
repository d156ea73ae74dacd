namespace SparseX.World;

/// <summary>A question about a conversation's documents with its ground-truth short answer.</summary>
/// <param name="Kind">What the question needs.</param>
/// <param name="Question">The question text.</param>
/// <param name="Answer">The short answer (exact-match target).</param>
/// <param name="Query">What a <c>search</c> tool call for this question asks for.</param>
public sealed record QuestionAnswer(QuestionKind Kind, string Question, string Answer, string Query);
