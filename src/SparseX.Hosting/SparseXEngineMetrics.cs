using System.Diagnostics.Metrics;
using SparseX.Engine.Reuse;
using SparseX.Engine.Runtime;

namespace SparseX.Hosting;

/// <summary>The instruments of meter <see cref="SparseXMetrics.MeterName"/>, created through <see cref="IMeterFactory"/> when one is registered.</summary>
internal sealed class SparseXEngineMetrics : IDisposable
{
    private static readonly double[] MillisecondBuckets = { 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 30000 };

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Histogram<double> _timeToFirstToken;
    private readonly Histogram<double> _interTokenLatency;
    private readonly Counter<long> _generatedTokens;
    private readonly Counter<long> _prefixHitTokens;
    private readonly Counter<long> _reusedTokens;
    private readonly Counter<long> _recomputedTokens;
    private readonly Counter<long> _newTokens;
    private readonly Counter<long> _segmentHits;
    private readonly Counter<long> _segmentMisses;
    private readonly Counter<long> _requests;

    /// <summary>Initializes a new instance of the <see cref="SparseXEngineMetrics"/> class.</summary>
    /// <param name="meterFactory">The factory, or null to own a meter.</param>
    /// <param name="queueDepth">Reads the queue depth.</param>
    /// <param name="running">Reads the running requests.</param>
    /// <param name="stats">Reads the engine's stats (null while not loaded).</param>
    public SparseXEngineMetrics(IMeterFactory? meterFactory, Func<int> queueDepth, Func<int> running, Func<EngineStats?> stats)
    {
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(SparseXMetrics.MeterName) ?? new Meter(SparseXMetrics.MeterName);
        var buckets = new InstrumentAdvice<double> { HistogramBucketBoundaries = MillisecondBuckets };
        _timeToFirstToken = _meter.CreateHistogram(SparseXMetrics.TimeToFirstToken, "ms", "Time from the call to the first update, queueing and prefill included.", advice: buckets);
        _interTokenLatency = _meter.CreateHistogram(SparseXMetrics.InterTokenLatency, "ms", "Time between successive tokens of a request.", advice: buckets);
        _generatedTokens = _meter.CreateCounter<long>(SparseXMetrics.GeneratedTokens, "{token}", "Generated tokens.");
        _prefixHitTokens = _meter.CreateCounter<long>(SparseXMetrics.PrefixHitTokens, "{token}", "Prompt tokens served exactly by the prefix cache.");
        _reusedTokens = _meter.CreateCounter<long>(SparseXMetrics.ReusedTokens, "{token}", "Prompt tokens whose KV came from the segment store.");
        _recomputedTokens = _meter.CreateCounter<long>(SparseXMetrics.RecomputedTokens, "{token}", "Reused tokens recomputed in the sparse layers.");
        _newTokens = _meter.CreateCounter<long>(SparseXMetrics.NewTokens, "{token}", "Prompt tokens that had to be computed.");
        _segmentHits = _meter.CreateCounter<long>(SparseXMetrics.SegmentHits, "{segment}", "Segments found in the segment store.");
        _segmentMisses = _meter.CreateCounter<long>(SparseXMetrics.SegmentMisses, "{segment}", "Segments not found in the segment store.");
        _requests = _meter.CreateCounter<long>(SparseXMetrics.Requests, "{request}", "Finished requests by outcome.");
        _meter.CreateObservableGauge(SparseXMetrics.QueueDepth, queueDepth, "{request}", "Requests not streaming yet.");
        _meter.CreateObservableGauge(SparseXMetrics.RunningRequests, running, "{request}", "Requests streaming tokens.");
        _meter.CreateObservableGauge(SparseXMetrics.KvBlocksUsed, () => Blocks(stats(), used: true), "{block}", "KV pool blocks owned by running requests.");
        _meter.CreateObservableGauge(SparseXMetrics.KvBlocksFree, () => Blocks(stats(), used: false), "{block}", "KV pool blocks free.");
    }

    /// <summary>Records the time to the first update.</summary>
    /// <param name="milliseconds">The time.</param>
    public void FirstToken(double milliseconds) => _timeToFirstToken.Record(milliseconds);

    /// <summary>Records generated tokens and the latency per token since the previous ones.</summary>
    /// <param name="count">Tokens in the update.</param>
    /// <param name="sincePreviousMs">Time since the previous tokens, or null for the first ones.</param>
    public void Tokens(int count, double? sincePreviousMs)
    {
        if (count <= 0)
        {
            return;
        }

        _generatedTokens.Add(count);
        if (sincePreviousMs is { } ms)
        {
            _interTokenLatency.Record(ms / count);
        }
    }

    /// <summary>Records a request's reuse report.</summary>
    /// <param name="report">The report.</param>
    public void Report(ReuseReport report)
    {
        _prefixHitTokens.Add(report.PrefixHitTokens);
        _reusedTokens.Add(report.ReusedTokens);
        _recomputedTokens.Add(report.RecomputedTokens);
        _newTokens.Add(report.NewTokens);
        _segmentHits.Add(report.SegmentsHit);
        _segmentMisses.Add(report.SegmentsMissed);
    }

    /// <summary>Records how a request ended.</summary>
    /// <param name="outcome">The outcome.</param>
    public void Finished(RequestOutcome outcome) =>
        _requests.Add(1, new KeyValuePair<string, object?>(SparseXMetrics.OutcomeTag, outcome switch
        {
            RequestOutcome.Completed => "completed",
            RequestOutcome.Cancelled => "cancelled",
            RequestOutcome.Failed => "failed",
            _ => "rejected",
        }));

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }

    private static IEnumerable<Measurement<int>> Blocks(EngineStats? stats, bool used) =>
        stats is null ? Array.Empty<Measurement<int>>() : new[] { new Measurement<int>(used ? stats.KvBlocksUsed : stats.KvBlocksTotal - stats.KvBlocksUsed) };
}
