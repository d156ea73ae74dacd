namespace SparseX.Samples.Agents;

/// <summary>A question about the synthetic world with its known answer.</summary>
/// <param name="Text">The question.</param>
/// <param name="Answer">The expected answer; an answer is correct when it contains this string (case-insensitive).</param>
/// <param name="Query">The librarian's search query.</param>
internal sealed record WorldQuestion(string Text, string Answer, string Query)
{
    public bool IsAnsweredBy(string? answer) => answer?.Contains(Answer, StringComparison.OrdinalIgnoreCase) == true;
}
