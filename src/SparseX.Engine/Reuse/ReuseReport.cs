namespace SparseX.Engine.Reuse;

/// <summary>What one request reused and recomputed, and where its time went (issue: reuse report).</summary>
public sealed record ReuseReport
{
    /// <summary>Gets the mode used.</summary>
    public ReuseMode Mode { get; init; }

    /// <summary>Gets the selector used.</summary>
    public SelectorKind Selector { get; init; }

    /// <summary>Gets the budget r.</summary>
    public double Budget { get; init; }

    /// <summary>Gets F.</summary>
    public int FullLayers { get; init; }

    /// <summary>Gets the layer whose attention ranked the reused tokens (Sparse-Q selectors with reused tokens only; the
    /// policy's, else the checkpoint's calibrated layer, else F − 1).</summary>
    public int? SelectionLayer { get; init; }

    /// <summary>Gets the prompt length N.</summary>
    public int TotalTokens { get; init; }

    /// <summary>Gets P, the tokens served exactly by the prefix cache.</summary>
    public int PrefixHitTokens { get; init; }

    /// <summary>Gets |C|, tokens whose KV came from the segment store.</summary>
    public int ReusedTokens { get; init; }

    /// <summary>Gets |T|, reused tokens recomputed in the sparse layers.</summary>
    public int RecomputedTokens { get; init; }

    /// <summary>Gets |S|, tokens that had to be computed.</summary>
    public int NewTokens { get; init; }

    /// <summary>Gets the segments found in the store.</summary>
    public int SegmentsHit { get; init; }

    /// <summary>Gets the segments not found (computed and then stored).</summary>
    public int SegmentsMissed { get; init; }

    /// <summary>Gets the segments recomputed because their RoPE cannot be re-aligned exactly.</summary>
    public int SegmentsUnalignable { get; init; }

    /// <summary>Gets the time spent rotating cached keys.</summary>
    public TimeSpan Align { get; init; }

    /// <summary>Gets the time spent in the full (dense) layers.</summary>
    public TimeSpan FullLayersTime { get; init; }

    /// <summary>Gets the time spent selecting tokens.</summary>
    public TimeSpan Selection { get; init; }

    /// <summary>Gets the time spent in the sparse layers.</summary>
    public TimeSpan SparseLayersTime { get; init; }

    /// <summary>Gets the time from request start to the first token's logits.</summary>
    public TimeSpan TimeToFirstToken { get; init; }

    /// <summary>Gets the time spent decoding after the first token.</summary>
    public TimeSpan Decode { get; init; }

    /// <summary>Gets the positions recomputed among the reused tokens (T), ascending.</summary>
    public IReadOnlyList<int> RecomputedPositions { get; init; } = Array.Empty<int>();
}
