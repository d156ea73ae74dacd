namespace SparseX.SemanticKernel;

/// <summary>
/// The keys SparseX reads and writes in <c>AdditionalProperties</c> and <c>UsageDetails.AdditionalCounts</c>. Tags and
/// policies are set through the typed extension methods; the keys are public so that other layers (JSON, Semantic
/// Kernel <c>ExtensionData</c>/<c>Metadata</c>) can carry them.
/// </summary>
public static class SparseXPropertyKeys
{
    /// <summary>Message/content property: the segment kind (a <c>SegmentKind</c> name).</summary>
    public const string SegmentKind = "sparsex:segment_kind";

    /// <summary>Message/content property: the caller's segment id (reporting only; the cache key is the content).</summary>
    public const string SegmentId = "sparsex:segment_id";

    /// <summary>Chat options property: the reuse mode (a <c>ReuseMode</c> name).</summary>
    public const string ReuseMode = "sparsex:reuse_mode";

    /// <summary>Chat options property: the selector (a <c>SelectorKind</c> name).</summary>
    public const string ReuseSelector = "sparsex:reuse_selector";

    /// <summary>Chat options property: the budget r in [0, 1].</summary>
    public const string ReuseBudget = "sparsex:reuse_budget";

    /// <summary>Chat options property: F, the number of leading layers computed densely.</summary>
    public const string ReuseFullLayers = "sparsex:reuse_full_layers";

    /// <summary>Chat options property: m, tokens at the start of each moved segment always recomputed.</summary>
    public const string ReuseBoundaryTokens = "sparsex:reuse_boundary_tokens";

    /// <summary>Chat options property: the layer whose attention ranks tokens for Sparse-Q (absent: the checkpoint's
    /// calibrated layer from <c>sparsex_reuse.json</c>, else F − 1).</summary>
    public const string ReuseSelectionLayer = "sparsex:reuse_selection_layer";

    /// <summary>Chat options property: the namespace (tenant) of the request's segments.</summary>
    public const string ReuseNamespace = "sparsex:reuse_namespace";

    /// <summary>Chat options property: the seed of the random selector.</summary>
    public const string ReuseRandomSeed = "sparsex:reuse_random_seed";

    /// <summary>Response property: the time to first token, a <see cref="TimeSpan"/>.</summary>
    public const string TimeToFirstToken = "SparseX.TimeToFirstToken";

    /// <summary>Usage count: tokens served exactly by the prefix cache.</summary>
    public const string PrefixHitTokens = "SparseX.PrefixHitTokens";

    /// <summary>Usage count: tokens whose KV came from the segment store.</summary>
    public const string ReusedTokens = "SparseX.ReusedTokens";

    /// <summary>Usage count: reused tokens recomputed in the sparse layers.</summary>
    public const string RecomputedTokens = "SparseX.RecomputedTokens";

    /// <summary>Usage count: prompt tokens that had to be computed.</summary>
    public const string NewTokens = "SparseX.NewTokens";

    /// <summary>Usage count: segments found in the segment store.</summary>
    public const string SegmentsHit = "SparseX.SegmentsHit";

    /// <summary>Usage count: segments not found (computed, then stored).</summary>
    public const string SegmentsMissed = "SparseX.SegmentsMissed";
}
