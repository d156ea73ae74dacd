namespace SparseX.Engine.Reuse;

/// <summary>Which reused tokens are recomputed in the sparse layers (DESIGN §4, "Selectors").</summary>
public enum SelectorKind
{
    /// <summary>None: naive reuse (r is ignored).</summary>
    None,

    /// <summary>Uniformly random tokens (seeded).</summary>
    Random,

    /// <summary>EPIC/LegoLink-style: the first tokens of each moved segment.</summary>
    SegmentHeads,

    /// <summary>CacheBlend-style: largest ‖K_fresh − K_cached‖ at the check layer (the last full layer).</summary>
    KvDeviation,

    /// <summary>The paper: largest attention from the new tokens' queries at the last full layer.</summary>
    SparseQ,

    /// <summary>Ours: Sparse-Q importance × KV deviation, both free at the last full layer when F ≥ 1.</summary>
    SparseQDeviation,
}
