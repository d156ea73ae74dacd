namespace SparseX.Hosting;

/// <summary>
/// Names of the hosted engine's <see cref="System.Diagnostics.Metrics.Meter"/> and instruments, for
/// OpenTelemetry (<c>AddMeter(SparseXMetrics.MeterName)</c>) and tests.
/// </summary>
public static class SparseXMetrics
{
    /// <summary>The meter name.</summary>
    public const string MeterName = "SparseX";

    /// <summary>Histogram (ms): from the call to the first update, queueing and prefill included.</summary>
    public const string TimeToFirstToken = "sparsex.request.time_to_first_token";

    /// <summary>Histogram (ms): time between successive tokens of a request, as its stream delivers them.</summary>
    public const string InterTokenLatency = "sparsex.request.inter_token_latency";

    /// <summary>Counter ({token}): generated tokens.</summary>
    public const string GeneratedTokens = "sparsex.tokens.generated";

    /// <summary>Counter ({token}): prompt tokens served exactly by the prefix cache.</summary>
    public const string PrefixHitTokens = "sparsex.tokens.prefix_hit";

    /// <summary>Counter ({token}): prompt tokens whose KV came from the segment store.</summary>
    public const string ReusedTokens = "sparsex.tokens.reused";

    /// <summary>Counter ({token}): reused tokens recomputed in the sparse layers.</summary>
    public const string RecomputedTokens = "sparsex.tokens.recomputed";

    /// <summary>Counter ({token}): prompt tokens that had to be computed.</summary>
    public const string NewTokens = "sparsex.tokens.new";

    /// <summary>Counter ({segment}): segments found in the segment store.</summary>
    public const string SegmentHits = "sparsex.segments.hits";

    /// <summary>Counter ({segment}): segments not found (computed, then stored).</summary>
    public const string SegmentMisses = "sparsex.segments.misses";

    /// <summary>Counter ({request}): finished requests, tagged with <see cref="OutcomeTag"/>.</summary>
    public const string Requests = "sparsex.requests";

    /// <summary>Observable gauge ({request}): requests not streaming yet (waiting for a slot, queued in the engine or in prefill).</summary>
    public const string QueueDepth = "sparsex.queue.depth";

    /// <summary>Observable gauge ({request}): requests streaming tokens.</summary>
    public const string RunningRequests = "sparsex.requests.running";

    /// <summary>Observable gauge ({block}): KV pool blocks owned by running requests.</summary>
    public const string KvBlocksUsed = "sparsex.kv.blocks.used";

    /// <summary>Observable gauge ({block}): KV pool blocks free (prefix-cached free blocks included).</summary>
    public const string KvBlocksFree = "sparsex.kv.blocks.free";

    /// <summary>The tag of <see cref="Requests"/>: <c>completed</c>, <c>cancelled</c>, <c>failed</c> or <c>rejected</c>.</summary>
    public const string OutcomeTag = "sparsex.request.outcome";
}
