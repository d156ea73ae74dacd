namespace SparseX.Train.Training;

/// <summary>
/// Key–value recall in context, the look-up the corpus's questions need without its language: <c>pairs</c> random
/// (key, value) pairs, each written as key, <c>gap</c> random noise tokens, value — or, <c>reverse</c>, value first (as
/// "C is a company based in CITY" answers "which company is based in CITY"); then queries: a key followed by its value,
/// the value supervised. Forward with no gap is plain induction (<see cref="CopyTask"/>); a gap or the reverse order
/// needs the value carried to another position first.
/// </summary>
public static class RecallTask
{
    /// <summary>A recall row of the mix the trainer puts among corpus rows (<see cref="TrainOptions.RecallShare"/>): 4–16
    /// pairs, 0–3 noise tokens between a pair's tokens, half of them value first, 16 queries.</summary>
    /// <param name="rng">The random source.</param>
    /// <param name="vocabSize">Tokens are drawn from [4, vocabSize).</param>
    /// <returns>The row.</returns>
    public static EncodedSample MixedRow(Random rng, int vocabSize)
    {
        ArgumentNullException.ThrowIfNull(rng);
        return Row(rng, pairs: rng.Next(4, 17), queries: 16, gap: rng.Next(4), reverse: rng.Next(2) == 0, vocabSize);
    }

    /// <summary>One recall row.</summary>
    /// <param name="rng">The random source.</param>
    /// <param name="pairs">Pairs in the context.</param>
    /// <param name="queries">Queries after it (each a pair drawn at random).</param>
    /// <param name="gap">Noise tokens between a pair's two tokens.</param>
    /// <param name="reverse">Whether the value comes before its key.</param>
    /// <param name="vocabSize">Tokens are drawn from [4, vocabSize) (ids below 4 are the special tokens).</param>
    /// <returns>The row (its answer span starts at the first query).</returns>
    public static EncodedSample Row(Random rng, int pairs, int queries, int gap, bool reverse, int vocabSize)
    {
        ArgumentNullException.ThrowIfNull(rng);
        var keys = new HashSet<int>();
        while (keys.Count < pairs)
        {
            keys.Add(rng.Next(4, vocabSize));
        }

        int[] k = [.. keys];
        int[] v = [.. k.Select(_ => rng.Next(4, vocabSize))];
        var ids = new List<int>();
        for (int i = 0; i < pairs; i++)
        {
            ids.Add(reverse ? v[i] : k[i]);
            ids.AddRange(Enumerable.Range(0, gap).Select(_ => rng.Next(4, vocabSize)));
            ids.Add(reverse ? k[i] : v[i]);
        }

        int answerStart = ids.Count;
        var weights = new List<float>(Enumerable.Repeat(0f, ids.Count));
        for (int q = 0; q < queries; q++)
        {
            int i = rng.Next(pairs);
            ids.AddRange([k[i], v[i]]);
            weights.AddRange([0f, 1f]);
        }

        return new EncodedSample([.. ids], [.. weights], answerStart, ids.Count);
    }
}
