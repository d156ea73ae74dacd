using SparseX.Engine.Reuse;
using SparseX.World;

namespace SparseX.Cli.Quality;

/// <summary>
/// One held-out question of the cross-segment benchmark: the evaluated request (the conversation's prompt in its
/// real order, each document its own <see cref="SegmentKind.Document"/> segment) and the earlier warm-up requests
/// that put the same documents into the segment store in other orders, after the other system prompt and among
/// another conversation's documents.
/// </summary>
/// <param name="Index">The sample index in the held-out corpus.</param>
/// <param name="Conversation">The conversation (one question).</param>
/// <param name="Evaluated">The evaluated request.</param>
/// <param name="WarmUps">The earlier requests, run before it in order.</param>
/// <param name="WarmUpOrders">Per warm-up, its documents in order: the index of each in <see cref="Conversation.Documents"/>,
/// −1 for another conversation's document (which document each reused one followed when its KV was computed).</param>
internal sealed record QualityQuestion(long Index, Conversation Conversation, RequestLayout Evaluated, IReadOnlyList<RequestLayout> WarmUps, IReadOnlyList<int[]> WarmUpOrders)
{
    /// <summary>Gets the question's kind.</summary>
    public QuestionKind Kind => Conversation.Kind;

    /// <summary>Gets the expected answer.</summary>
    public string Answer => Conversation.Answer;
}
