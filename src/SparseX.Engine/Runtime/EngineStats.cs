using SparseX.Engine.Cache;

namespace SparseX.Engine.Runtime;

/// <summary>A snapshot of an engine's resources.</summary>
/// <param name="KvBlocksTotal">Blocks in the pool.</param>
/// <param name="KvBlocksUsed">Blocks owned by running requests.</param>
/// <param name="PrefixCachedBlocks">Blocks registered in the prefix cache (in use or free).</param>
/// <param name="Segments">Segment store counters.</param>
/// <param name="RequestsCompleted">Requests finished (any outcome).</param>
public sealed record EngineStats(int KvBlocksTotal, int KvBlocksUsed, int PrefixCachedBlocks, SegmentStoreStats Segments, long RequestsCompleted)
{
    /// <summary>Gets the sequences being decoded.</summary>
    public int RunningSequences { get; init; }

    /// <summary>Gets the requests waiting for admission.</summary>
    public int QueuedRequests { get; init; }

    /// <summary>Gets the decode steps run.</summary>
    public long DecodeSteps { get; init; }

    /// <summary>Gets the decode steps that served two or more sequences in one forward.</summary>
    public long BatchedDecodeSteps { get; init; }

    /// <summary>Gets the largest decode batch so far.</summary>
    public int MaxDecodeBatch { get; init; }

    /// <summary>Gets how often a sequence was preempted for lack of KV blocks.</summary>
    public long Preemptions { get; init; }
}
