using SparseX.World;

namespace SparseX.Cli.Quality;

/// <summary>
/// One question's answers in every configuration, with what a reused document followed when its KV was computed: the
/// record <c>sparsex quality --answers</c> writes per question (JSON Lines), to tell a configuration's wrong answers
/// apart, e.g. naive reuse answering the company a linking document followed in a warm-up.
/// </summary>
/// <param name="Index">The sample index in the held-out corpus.</param>
/// <param name="Kind">The question's kind.</param>
/// <param name="Expected">The expected answer.</param>
/// <param name="Documents">The evaluated request's documents, in order.</param>
/// <param name="WarmUpOrders">Per warm-up, its documents in order: indices into <paramref name="Documents"/>, −1 for another
/// conversation's document.</param>
/// <param name="Answers">Each configuration's greedy answer, by configuration name.</param>
internal sealed record QualityAnswers(
    long Index,
    QuestionKind Kind,
    string Expected,
    IReadOnlyList<string> Documents,
    IReadOnlyList<int[]> WarmUpOrders,
    IReadOnlyDictionary<string, string> Answers);
