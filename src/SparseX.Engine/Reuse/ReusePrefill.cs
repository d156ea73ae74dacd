using System.Diagnostics;
using Microsoft.Extensions.Logging;
using SparseX.Engine.Cache;
using SparseX.Engine.Model;
using SparseX.Engine.Runtime;
using static TorchSharp.torch;

namespace SparseX.Engine.Reuse;

/// <summary>
/// Prefills a request under its reuse policy: exact prefix from the <see cref="PrefixCache"/>, stored
/// segments from the <see cref="SegmentStore"/>, then the dense pass or the SparseX pass; afterwards the
/// exact blocks are registered for prefix reuse and the request's newly computed segments are stored.
/// </summary>
public sealed class ReusePrefill
{
    private readonly DecoderModel _model;
    private readonly PrefixCache _prefixCache;
    private readonly SegmentStore _segments;
    private readonly ILogger _logger;

    /// <summary>Initializes a new instance of the <see cref="ReusePrefill"/> class.</summary>
    /// <param name="model">The model.</param>
    /// <param name="prefixCache">The prefix cache over the model's pool.</param>
    /// <param name="segments">The segment store.</param>
    /// <param name="logger">Logger.</param>
    public ReusePrefill(DecoderModel model, PrefixCache prefixCache, SegmentStore segments, ILogger logger)
    {
        _model = model;
        _prefixCache = prefixCache;
        _segments = segments;
        _logger = logger;
    }

    /// <summary>Computes the prompt's KV into <paramref name="table"/> and returns the last row's hidden state.</summary>
    /// <param name="layout">The prompt.</param>
    /// <param name="policy">The reuse policy.</param>
    /// <param name="table">An empty block table.</param>
    /// <param name="report">Receives what was reused and the phase times.</param>
    /// <returns>[1, hidden], before the final norm.</returns>
    public Tensor Run(RequestLayout layout, ReusePolicy policy, BlockTable table, out ReuseReport report)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(table);
        int[] tokens = layout.TokenIds;
        int n = tokens.Length;
        var clock = Stopwatch.StartNew();

        // Exact prefix; at least the last token is always computed (its logits are needed).
        int prefix = policy.Mode == ReuseMode.FullPrefill ? 0 : _prefixCache.Match(policy.Namespace, tokens, n - 1, table);
        table.EnsureCapacity(n);

        var leases = new List<SegmentLease>();
        try
        {
            var (reused, hit, missed) = policy.Mode == ReuseMode.Reuse
                ? FindReusable(layout, prefix, policy.Namespace, leases)
                : (new List<ReusedSpan>(), 0, layout.Segments.Count(s => s.End > prefix));

            Tensor last;
            SparseXResult? sparse = null;
            if (reused.Count == 0)
            {
                Tensor hidden = DenseForward.Run(_model, table, tokens, prefix);
                last = hidden[^1..];
                TorchRuntime.Synchronize(_model.Device); // so FullLayersTime is real
            }
            else
            {
                sparse = SparseXForward.Run(_model, table, tokens, prefix, reused, policy);
                last = sparse.LastHidden;
            }

            int firstApproximate = reused.Count == 0 ? n : reused.Min(r => r.Start);
            _prefixCache.Register(policy.Namespace, tokens, firstApproximate, table);
            Harvest(layout, policy.Namespace, table, reused);

            int reusedCount = reused.Sum(r => r.Length);
            report = new ReuseReport
            {
                Mode = policy.Mode,
                Selector = policy.Selector,
                Budget = policy.Budget,
                FullLayers = policy.FullLayers,
                SelectionLayer = sparse?.SelectionLayer,
                TotalTokens = n,
                PrefixHitTokens = prefix,
                ReusedTokens = reusedCount,
                RecomputedTokens = sparse?.Recomputed.Length ?? 0,
                NewTokens = sparse?.NewTokens ?? (n - prefix),
                SegmentsHit = hit,
                SegmentsMissed = missed,
                Align = sparse?.Align ?? TimeSpan.Zero,
                FullLayersTime = sparse?.FullLayers ?? clock.Elapsed,
                Selection = sparse?.Selection ?? TimeSpan.Zero,
                SparseLayersTime = sparse?.SparseLayers ?? TimeSpan.Zero,
                RecomputedPositions = sparse?.Recomputed ?? Array.Empty<int>(),
            };
            return last;
        }
        finally
        {
            foreach (SegmentLease lease in leases)
            {
                lease.Dispose();
            }
        }
    }

    /// <summary>Stores a segment's KV by prefilling it alone at position 0 (an explicit warm-up).</summary>
    /// <param name="tokens">The segment's tokens.</param>
    /// <param name="ns">The namespace.</param>
    /// <param name="pool">The pool to compute in.</param>
    /// <returns>True if newly stored.</returns>
    public bool Warm(int[] tokens, string ns, KvBlockPool pool)
    {
        string key = _segments.KeyOf(ns, tokens);
        if (tokens.Length == 0 || _segments.Contains(ns, key))
        {
            return false;
        }

        using var scope = NewDisposeScope();
        using var table = new BlockTable(pool);
        table.EnsureCapacity(tokens.Length);
        DenseForward.Run(_model, table, tokens, 0);
        return Store(ns, key, table, 0, tokens.Length);
    }

    private (List<ReusedSpan> Reused, int Hit, int Missed) FindReusable(RequestLayout layout, int prefix, string ns, List<SegmentLease> leases)
    {
        var reused = new List<ReusedSpan>();
        int hit = 0, missed = 0;
        int covered = prefix;
        foreach (LayoutSegment segment in layout.Segments)
        {
            // Positions < prefix are exact already; the last prompt token is always computed.
            int start = Math.Max(segment.Start, covered);
            int end = Math.Min(segment.End, layout.TokenIds.Length - 1);
            if (end <= start)
            {
                continue;
            }

            if (!_model.Rope.SupportsExactShift)
            {
                _logger.LogInformation("Segment {Id} is recomputed: RoPE {Type} cannot be shifted exactly.", segment.Id ?? segment.Key[..12], _model.Rope.Scaling.Type);
                missed++;
                continue;
            }

            SegmentLease? lease = _segments.TryAcquire(ns, segment.Key);
            if (lease is null)
            {
                missed++;
                continue;
            }

            leases.Add(lease);
            hit++;
            reused.Add(new ReusedSpan(start, end - start, lease, start - segment.Start));
            covered = end;
        }

        return (reused, hit, missed);
    }

    /// <summary>Stores the request's segments that are not stored yet and were computed densely (not reused).</summary>
    private void Harvest(RequestLayout layout, string ns, BlockTable table, List<ReusedSpan> reused)
    {
        foreach (LayoutSegment segment in layout.Segments)
        {
            bool wasReused = reused.Any(r => r.Start < segment.End && segment.Start < r.Start + r.Length);
            if (!wasReused && !_segments.Contains(ns, segment.Key))
            {
                Store(ns, segment.Key, table, segment.Start, segment.Length);
            }
        }
    }

    private bool Store(string ns, string key, BlockTable table, int start, int length)
    {
        using var scope = NewDisposeScope();
        Tensor slots = tensor(Enumerable.Range(start, length).Select(table.Slot).ToArray(), ScalarType.Int64, _model.Device);
        Tensor keys = stack(Enumerable.Range(0, _model.NumLayers).Select(l => table.Pool.Keys(l).index_select(0, slots)).ToArray());
        Tensor values = stack(Enumerable.Range(0, _model.NumLayers).Select(l => table.Pool.Values(l).index_select(0, slots)).ToArray());
        return _segments.Add(ns, key, keys.DetachFromDisposeScope(), values.DetachFromDisposeScope(), start);
    }
}
