using static TorchSharp.torch;

namespace SparseX.Engine.Reuse;

/// <summary>
/// Chooses T ⊂ C, the reused tokens recomputed in the sparse layers (DESIGN §4 step 3): the first m
/// tokens of each moved segment, then ⌈r·|C|⌉ more ranked by the policy's selector.
/// </summary>
public static class TokenSelector
{
    /// <summary>The number of tokens a budget selects: ⌈r·|C|⌉ (robust to r·|C| landing a hair above an integer).</summary>
    /// <param name="budget">r.</param>
    /// <param name="reusedCount">|C|.</param>
    /// <returns>The count.</returns>
    public static int BudgetCount(double budget, int reusedCount) =>
        Math.Min(reusedCount, (int)Math.Ceiling(Math.Round(budget * reusedCount, 6)));

    /// <summary>Selects recompute positions.</summary>
    /// <param name="policy">The policy.</param>
    /// <param name="reused">C: reused positions (ascending) and their spans.</param>
    /// <param name="importance">Sparse-Q importance per key position [N], when computed.</param>
    /// <param name="deviation">KV deviation per reused token in C's order [|C|], when computed.</param>
    /// <returns>Selected positions.</returns>
    public static int[] Select(ReusePolicy policy, IReadOnlyDictionary<int, ReusedToken> reused, Tensor? importance, Tensor? deviation)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(reused);
        if (reused.Count == 0)
        {
            return Array.Empty<int>();
        }

        int[] positions = reused.Keys.ToArray();
        var chosen = new HashSet<int>(positions.Where(pos => reused[pos].Span.Moved && reused[pos].Offset < policy.BoundaryTokens));
        int count = policy.Selector == SelectorKind.None ? 0 : BudgetCount(policy.Budget, positions.Length);
        if (count == 0)
        {
            return chosen.Order().ToArray();
        }

        IEnumerable<int> ranked = policy.Selector switch
        {
            SelectorKind.Random => RankRandom(positions, policy.RandomSeed),
            SelectorKind.SegmentHeads => positions
                .OrderBy(pos => reused[pos].Span.Moved ? 0 : 1)
                .ThenBy(pos => reused[pos].Offset)
                .ThenBy(pos => pos),
            SelectorKind.SparseQ => RankByScore(positions, Gather(importance, positions, "Sparse-Q importance")),
            SelectorKind.KvDeviation => RankByScore(positions, Scores(deviation, "KV deviation")),
            SelectorKind.SparseQDeviation => RankByScore(
                positions,
                Gather(importance, positions, "Sparse-Q importance").Zip(Scores(deviation, "KV deviation"), (a, b) => a * b).ToArray()),
            _ => throw new ArgumentException($"Selector {policy.Selector} does not rank tokens."),
        };

        foreach (int pos in ranked.Where(pos => !chosen.Contains(pos)).Take(count).ToArray())
        {
            chosen.Add(pos);
        }

        return chosen.Order().ToArray();
    }

    private static IEnumerable<int> RankRandom(int[] positions, int seed)
    {
        var random = new Random(seed);
        int[] shuffled = positions.ToArray();
        random.Shuffle(shuffled);
        return shuffled;
    }

    /// <summary>Highest score first; ties by position so the choice is deterministic.</summary>
    private static IEnumerable<int> RankByScore(int[] positions, float[] scores) =>
        Enumerable.Range(0, positions.Length).OrderByDescending(i => scores[i]).ThenBy(i => positions[i]).Select(i => positions[i]);

    private static float[] Gather(Tensor? perPosition, int[] positions, string what)
    {
        float[] all = Scores(perPosition, what);
        return positions.Select(pos => all[pos]).ToArray();
    }

    private static float[] Scores(Tensor? scores, string what) =>
        scores is null
            ? throw new InvalidOperationException($"The selector needs {what}, which the pass did not compute.")
            : scores.to(ScalarType.Float32).cpu().data<float>().ToArray();
}
