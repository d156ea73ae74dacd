using SparseX.Engine.Model;
using static TorchSharp.torch;

namespace SparseX.Engine.Reuse;

/// <summary>
/// Checks the reuse invariants of DESIGN §4 on a <see cref="ReuseScenario"/>, each against an
/// independently computed reference: r = 1 ≡ full prefill (every selector, logits and greedy
/// continuation); selector None with F = 1 ≡ naive reuse; segments at their original positions ≡ prefix
/// reuse ≡ full prefill; 0% hit ≡ plain prefill; recompute count = ⌈r·|C|⌉ + boundary tokens and never a
/// prefix token; namespaces never share segments.
/// </summary>
public static class ReuseCheck
{
    /// <summary>The logit tolerance of the exactness invariants (fp32).</summary>
    public const double Tolerance = 1e-4;

    /// <summary>Runs every invariant on one scenario.</summary>
    /// <param name="model">The model (fp32 for the 1e-4 tolerance).</param>
    /// <param name="seed">The scenario seed.</param>
    /// <param name="greedySteps">Greedy tokens compared for r = 1.</param>
    /// <returns>The results.</returns>
    public static IReadOnlyList<InvariantResult> Run(DecoderModel model, int seed, int greedySteps = 8)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var scope = NewDisposeScope();
        var scenario = ReuseScenario.Create(seed, model.Config.VocabSize);
        var results = new List<InvariantResult>();
        var full = new ReusePolicy { Mode = ReuseMode.FullPrefill };

        // The reference: full prefill in a fresh state.
        Tensor reference;
        int[] referenceGreedy;
        using (var h = new ReuseHarness(model))
        {
            RequestLayout q = h.Layout(scenario.Query);
            reference = h.FirstLogits(q, full, out _);
            referenceGreedy = h.Greedy(q, full, greedySteps);
        }

        // r = 1 ≡ full prefill, for every selector, after the segments were cached elsewhere.
        foreach (SelectorKind selector in Enum.GetValues<SelectorKind>().Where(s => s != SelectorKind.None))
        {
            var policy = new ReusePolicy { Selector = selector, Budget = 1.0, FullLayers = 1 };
            using var h = WithEarlier(model, scenario);
            RequestLayout q = h.Layout(scenario.Query);
            Tensor logits = h.FirstLogits(q, policy, out ReuseReport report);
            double diff = MaxDiff(logits, reference);
            results.Add(new InvariantResult(seed, $"r=1 {selector} ≡ full", diff, Tolerance, diff <= Tolerance && report.ReusedTokens > 0, $"reused {report.ReusedTokens}"));
            if (selector == SelectorKind.SparseQ)
            {
                using var h2 = WithEarlier(model, scenario);
                int[] greedy = h2.Greedy(h2.Layout(scenario.Query), policy, greedySteps);
                bool same = greedy.SequenceEqual(referenceGreedy);
                results.Add(new InvariantResult(seed, "r=1 greedy ≡ full greedy", same ? 0 : 1, 0, same));
            }
        }

        // Sparse-Q ranking at the last layer (a look-ahead through every sparse layer) leaves no trace: r = 1 ≡ full.
        using (var h = WithEarlier(model, scenario))
        {
            var policy = new ReusePolicy { Selector = SelectorKind.SparseQ, Budget = 1.0, FullLayers = 1, SelectionLayer = model.NumLayers - 1 };
            Tensor logits = h.FirstLogits(h.Layout(scenario.Query), policy, out ReuseReport report);
            double diff = MaxDiff(logits, reference);
            results.Add(new InvariantResult(seed, "r=1 SparseQ, look-ahead ≡ full", diff, Tolerance, diff <= Tolerance && report.ReusedTokens > 0, $"reused {report.ReusedTokens}"));
        }

        // Selector None, F = 1 ≡ naive reuse (segments encoded alone, K rotated, concatenated); so is Sparse-Q at r = 0
        // with its look-ahead (the new rows' look-ahead K/V are all overwritten).
        using (var h = new ReuseHarness(model))
        {
            foreach (int[] segment in scenario.SegmentTokens)
            {
                h.Warm(segment);
            }

            RequestLayout q = h.Layout(scenario.Query);
            Tensor naive = h.NaiveReuseLogits(q);
            Tensor logits = h.FirstLogits(q, new ReusePolicy { Selector = SelectorKind.None, Budget = 0, FullLayers = 1, BoundaryTokens = 0 }, out ReuseReport report);
            double diff = MaxDiff(logits, naive);
            results.Add(new InvariantResult(seed, "None, F=1 ≡ naive reuse", diff, Tolerance, diff <= Tolerance && report.RecomputedTokens == 0, $"reused {report.ReusedTokens}"));
            var lookAhead = new ReusePolicy { Selector = SelectorKind.SparseQ, Budget = 0, FullLayers = 1, BoundaryTokens = 0, SelectionLayer = model.NumLayers - 1 };
            logits = h.FirstLogits(q, lookAhead, out report);
            diff = MaxDiff(logits, naive);
            results.Add(new InvariantResult(seed, "SparseQ r=0, look-ahead ≡ naive reuse", diff, Tolerance, diff <= Tolerance && report.RecomputedTokens == 0, $"reused {report.ReusedTokens}"));
        }

        // Segments at their original positions after the same prefix ≡ prefix reuse ≡ full prefill.
        Tensor sameReference;
        using (var h = new ReuseHarness(model))
        {
            sameReference = h.FirstLogits(h.Layout(scenario.SamePositions), full, out _);
        }

        foreach (var (name, policy) in new[]
        {
            ("same positions, PrefixOnly ≡ full", new ReusePolicy { Mode = ReuseMode.PrefixOnly }),
            ("same positions, Reuse r=0 ≡ full", new ReusePolicy { Selector = SelectorKind.None, Budget = 0, FullLayers = 1, BoundaryTokens = 0 }),
        })
        {
            // Large blocks leave most of the segments to the segment store (Δ = 0) instead of the prefix cache.
            using var h = WithEarlier(model, scenario, blockSize: 64);
            Tensor logits = h.FirstLogits(h.Layout(scenario.SamePositions), policy, out ReuseReport report);
            double diff = MaxDiff(logits, sameReference);
            results.Add(new InvariantResult(seed, name, diff, Tolerance, diff <= Tolerance && report.PrefixHitTokens > 0, $"prefix hit {report.PrefixHitTokens}, reused {report.ReusedTokens}"));
        }

        // 0% hit ≡ plain prefill.
        using (var h = new ReuseHarness(model))
        {
            Tensor logits = h.FirstLogits(h.Layout(scenario.Query), ReusePolicy.Default, out ReuseReport report);
            double diff = MaxDiff(logits, reference);
            results.Add(new InvariantResult(seed, "0% hit ≡ full", diff, Tolerance, diff <= Tolerance && report.ReusedTokens == 0));
        }

        // Recompute count and no prefix tokens selected.
        using (var h = WithEarlier(model, scenario))
        {
            // With a look-ahead to the last layer, so that its selection is counted too.
            var policy = new ReusePolicy { Selector = SelectorKind.SparseQ, Budget = 0.3, FullLayers = 1, BoundaryTokens = 2, SelectionLayer = model.NumLayers - 1 };
            RequestLayout q = h.Layout(scenario.Query);
            h.FirstLogits(q, policy, out ReuseReport report);
            int boundary = BoundaryCount(q, h.Layout(scenario.Earlier), report.PrefixHitTokens, policy.BoundaryTokens);
            int expected = TokenSelector.BudgetCount(policy.Budget, report.ReusedTokens) + boundary;
            bool ok = report.RecomputedTokens == expected && report.RecomputedPositions.All(p => p >= report.PrefixHitTokens);
            results.Add(new InvariantResult(seed, "|T| = ⌈r·|C|⌉ + boundary, none in prefix", Math.Abs(report.RecomputedTokens - expected), 0, ok, $"|C| {report.ReusedTokens}, |T| {report.RecomputedTokens}, expected {expected}"));
        }

        // Namespace isolation.
        using (var h = new ReuseHarness(model))
        {
            h.FirstLogits(h.Layout(scenario.Earlier, "tenant-a"), new ReusePolicy { Namespace = "tenant-a" }, out _);
            h.FirstLogits(h.Layout(scenario.Query, "tenant-b"), new ReusePolicy { Namespace = "tenant-b" }, out ReuseReport report);
            bool ok = report.SegmentsHit == 0 && report.ReusedTokens == 0 && report.PrefixHitTokens == 0;
            results.Add(new InvariantResult(seed, "namespace B never hits A", report.ReusedTokens, 0, ok, $"hit {report.SegmentsHit}"));
        }

        return results;
    }

    private static ReuseHarness WithEarlier(DecoderModel model, ReuseScenario scenario, int blockSize = 16)
    {
        var h = new ReuseHarness(model, blockSize, blocks: 8192 / blockSize);
        using var scope = NewDisposeScope();
        h.FirstLogits(h.Layout(scenario.Earlier), new ReusePolicy { Mode = ReuseMode.FullPrefill }, out _);
        return h;
    }

    /// <summary>
    /// Expected boundary tokens, computed from the layouts: the first m tokens of every reused span whose
    /// segment sits at another position than in the earlier request (which stored it).
    /// </summary>
    private static int BoundaryCount(RequestLayout query, RequestLayout earlier, int prefixHit, int m)
    {
        var origin = new Dictionary<string, int>();
        foreach (LayoutSegment s in earlier.Segments)
        {
            origin.TryAdd(s.Key, s.Start);
        }

        int count = 0;
        foreach (LayoutSegment s in query.Segments)
        {
            int start = Math.Max(s.Start, prefixHit);
            int end = Math.Min(s.End, query.TokenIds.Length - 1);
            if (end > start && origin.TryGetValue(s.Key, out int o) && s.Start != o)
            {
                count += Math.Min(m, end - start);
            }
        }

        return count;
    }

    private static double MaxDiff(Tensor a, Tensor b) => (a - b).abs().max().item<float>();
}
