using SparseX.Engine.Reuse;

namespace SparseX.Cli.Quality;

/// <summary>One configuration's metrics over all questions (a row of the JSON output; means are per question).</summary>
/// <param name="Name">A short name of the configuration.</param>
/// <param name="Mode">The mode.</param>
/// <param name="Selector">The selector (Reuse only).</param>
/// <param name="Budget">r (Reuse only).</param>
/// <param name="FullLayers">F (Reuse only).</param>
/// <param name="Questions">Questions evaluated.</param>
/// <param name="ExactMatch">Share of questions whose greedy answer equals the expected one.</param>
/// <param name="FirstTokenKl">Mean KL(full prefill ‖ configuration) of the first answer token's distribution, in nats.</param>
/// <param name="OracleRecall">Mean |T ∩ oracle| / |oracle| (<see cref="ReuseOracle"/>); null where the configuration selects nothing.</param>
/// <param name="ExactMatchByKind">Exact match per question kind (kinds present only).</param>
/// <param name="QuestionsByKind">Questions per kind.</param>
/// <param name="PromptTokens">Mean N.</param>
/// <param name="PrefixHitTokens">Mean prefix-cache hit P.</param>
/// <param name="ReusedTokens">Mean |C| (tokens whose KV came from the segment store).</param>
/// <param name="RecomputedTokens">Mean |T|.</param>
/// <param name="NewTokens">Mean |S|.</param>
/// <param name="RecomputeRatio">Mean (|S| + |T|) / N: the rows the sparse layers compute.</param>
/// <param name="Seconds">Wall time of this configuration's prefills and decodes, summed over questions.</param>
/// <param name="BoundaryTokens">m, the first tokens of each moved segment recomputed on top of the selection.</param>
/// <param name="SelectionLayer">The layer whose attention ranked tokens for Sparse-Q (null: none named — the checkpoint's calibrated layer, else F − 1; the run's metadata says which).</param>
/// <param name="ExactMatchVsFull">Mean paired difference of exact match from full prefill on the same questions (0 for
/// full prefill; null in results written before it was measured).</param>
/// <param name="ExactMatchVsFullCi95">Half-width of that difference's 95% interval (null below two questions, and in older
/// results).</param>
internal sealed record QualityResult(
    string Name,
    ReuseMode Mode,
    SelectorKind? Selector,
    double? Budget,
    int? FullLayers,
    int Questions,
    double ExactMatch,
    double FirstTokenKl,
    double? OracleRecall,
    IReadOnlyDictionary<string, double> ExactMatchByKind,
    IReadOnlyDictionary<string, int> QuestionsByKind,
    double PromptTokens,
    double PrefixHitTokens,
    double ReusedTokens,
    double RecomputedTokens,
    double NewTokens,
    double RecomputeRatio,
    double Seconds,
    int BoundaryTokens = 0,
    int? SelectionLayer = null,
    double? ExactMatchVsFull = null,
    double? ExactMatchVsFullCi95 = null)
{
    /// <summary>Gets the plot line of this row: the selector, with m and the selection layer when they are set.</summary>
    public string Series => $"{Selector}" + (BoundaryTokens > 0 ? $" m={BoundaryTokens}" : "") + (SelectionLayer is { } l ? $" sel={l}" : "");
}
