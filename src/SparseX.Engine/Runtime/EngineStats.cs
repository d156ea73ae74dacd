using SparseX.Engine.Cache;

namespace SparseX.Engine.Runtime;

/// <summary>A snapshot of an engine's resources.</summary>
/// <param name="KvBlocksTotal">Blocks in the pool.</param>
/// <param name="KvBlocksUsed">Blocks owned by running requests.</param>
/// <param name="PrefixCachedBlocks">Blocks registered in the prefix cache (in use or free).</param>
/// <param name="Segments">Segment store counters.</param>
/// <param name="RequestsCompleted">Requests finished (any outcome).</param>
public sealed record EngineStats(int KvBlocksTotal, int KvBlocksUsed, int PrefixCachedBlocks, SegmentStoreStats Segments, long RequestsCompleted);
