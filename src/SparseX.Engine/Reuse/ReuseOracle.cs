using SparseX.Engine.Cache;
using static TorchSharp.torch;

namespace SparseX.Engine.Reuse;

/// <summary>
/// The oracle a token selector is measured against: which reused tokens' cached KV is most wrong where the
/// SparseX pass uses it. The <em>deviation</em> of a reused token j is
/// D_j = Σ_{l=F}^{L−1} ( ‖K̃_{l,j} − K_{l,j}‖ / ‖K_{l,j}‖ + ‖Ṽ_{l,j} − V_{l,j}‖ / ‖V_{l,j}‖ ),
/// where K̃/Ṽ are the stored segment's K/V aligned to j's position in this request (K rotated by Δ, DESIGN §4
/// step 1), K/V the full prefill's, norms over all KV heads × head_dim, and the sum runs over the sparse
/// layers F..L−1 only (layers below F are recomputed densely, so their cached KV is never used). The oracle
/// set for a budget r is the ⌈r·|C|⌉ reused tokens of largest D (ties: lower position first); a selector's
/// oracle recall is |T ∩ oracle| / |oracle|.
/// </summary>
public static class ReuseOracle
{
    /// <summary>Computes D_j for every reused position of a request.</summary>
    /// <param name="harness">The harness whose segment store holds the request's segments.</param>
    /// <param name="layout">The request.</param>
    /// <param name="fullKeys">The full prefill's keys (post-RoPE) [layers, N, kv_heads, head_dim] (<see cref="GreedyRun.Keys"/>).</param>
    /// <param name="fullValues">The full prefill's values, same shape.</param>
    /// <param name="fullLayers">F: layers below it are not counted.</param>
    /// <param name="prefixLength">P, the request's exact prefix (reused positions start at or after it).</param>
    /// <param name="ns">The namespace the segments are stored under.</param>
    /// <returns>D per reused position (the positions C that <see cref="ReusePrefill"/> reuses), ascending.</returns>
    public static SortedDictionary<int, double> Deviation(ReuseHarness harness, RequestLayout layout, Tensor fullKeys, Tensor fullValues, int fullLayers, int prefixLength = 0, string ns = "default")
    {
        ArgumentNullException.ThrowIfNull(harness);
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(fullKeys);
        ArgumentNullException.ThrowIfNull(fullValues);
        int layers = harness.Model.NumLayers, n = layout.TokenIds.Length;
        ArgumentOutOfRangeException.ThrowIfLessThan(fullLayers, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(fullLayers, layers);
        var deviation = new SortedDictionary<int, double>();
        using var scope = NewDisposeScope();
        int covered = prefixLength;
        foreach (LayoutSegment segment in layout.Segments)
        {
            // The same positions ReusePrefill reuses: after the exact prefix, never the last prompt token.
            int start = Math.Max(segment.Start, covered), end = Math.Min(segment.End, n - 1);
            if (end <= start)
            {
                continue;
            }

            using SegmentLease? lease = harness.Segments.TryAcquire(ns, segment.Key);
            if (lease is null)
            {
                continue;
            }

            covered = end;
            if (fullLayers == layers)
            {
                for (int p = start; p < end; p++)
                {
                    deviation[p] = 0;
                }

                continue;
            }

            int offset = start - segment.Start, length = end - start, sparse = layers - fullLayers;
            Tensor cachedK = harness.Model.Rope.RotateBy(lease.Keys.narrow(0, fullLayers, sparse).narrow(1, offset, length), start - (lease.Origin + offset)).cpu().to(ScalarType.Float32);
            Tensor cachedV = lease.Values.narrow(0, fullLayers, sparse).narrow(1, offset, length).cpu().to(ScalarType.Float32);
            Tensor k = fullKeys.narrow(0, fullLayers, sparse).narrow(1, start, length);
            Tensor v = fullValues.narrow(0, fullLayers, sparse).narrow(1, start, length);
            double[] d = (Relative(cachedK, k) + Relative(cachedV, v)).sum(dim: 0).to(ScalarType.Float64).data<double>().ToArray();
            for (int i = 0; i < length; i++)
            {
                deviation[start + i] = d[i];
            }
        }

        return deviation;
    }

    /// <summary>The oracle set: the ⌈r·|C|⌉ positions of largest deviation (ties: lower position first).</summary>
    /// <param name="deviation">D per reused position.</param>
    /// <param name="budget">r.</param>
    /// <returns>The positions, ascending.</returns>
    public static int[] Top(IReadOnlyDictionary<int, double> deviation, double budget)
    {
        ArgumentNullException.ThrowIfNull(deviation);
        int count = TokenSelector.BudgetCount(budget, deviation.Count);
        return deviation.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key).Take(count).Select(kv => kv.Key).Order().ToArray();
    }

    /// <summary>|selected ∩ oracle| / |oracle|; null when the oracle set is empty.</summary>
    /// <param name="selected">T, the selector's positions.</param>
    /// <param name="oracle">The oracle set.</param>
    /// <returns>The recall in [0, 1], or null.</returns>
    public static double? Recall(IEnumerable<int> selected, IReadOnlyCollection<int> oracle)
    {
        ArgumentNullException.ThrowIfNull(selected);
        ArgumentNullException.ThrowIfNull(oracle);
        return oracle.Count == 0 ? null : (double)selected.Distinct().Count(oracle.Contains) / oracle.Count;
    }

    /// <summary>‖a − b‖ / ‖b‖ per [layer, token] over heads × head_dim.</summary>
    private static Tensor Relative(Tensor a, Tensor b) =>
        (a - b).pow(2).sum(new long[] { 2, 3 }).sqrt() / b.pow(2).sum(new long[] { 2, 3 }).sqrt().clamp_min(1e-12);
}
