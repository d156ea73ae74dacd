namespace SparseX.Samples.Agents;

/// <summary>One model call of one agent, sent twice: with the sample's reuse policy and with FullPrefill.</summary>
internal sealed record CallRecord
{
    public required int Turn { get; init; }

    public required string Agent { get; init; }

    public required string Answer { get; init; }

    public required int PromptTokens { get; init; }

    public required long PrefixHitTokens { get; init; }

    public required long ReusedTokens { get; init; }

    public required long RecomputedTokens { get; init; }

    public required long NewTokens { get; init; }

    public required long SegmentsHit { get; init; }

    public required long SegmentsMissed { get; init; }

    public required TimeSpan TimeToFirstToken { get; init; }

    public required string FullPrefillAnswer { get; init; }

    public required TimeSpan FullPrefillTimeToFirstToken { get; init; }

    public required int ToolCalls { get; init; }

    /// <summary>Gets the prompt tokens not computed: prefix hits plus reused tokens that were not recomputed.</summary>
    public long SavedTokens => PrefixHitTokens + ReusedTokens - RecomputedTokens;
}
