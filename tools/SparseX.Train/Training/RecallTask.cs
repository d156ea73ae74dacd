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
    /// pairs, 0–5 noise tokens between a pair's tokens, some of them value first, 16 queries. A query's value follows its
    /// key after the last g tokens of <paramref name="querySuffix"/>, g drawn from 0 to its length: with the chat
    /// template's tokens between a question and its answer, the longest gap is the corpus's, where a look-up must first
    /// bring the question's key to the answer's position (from the demo model, plain recall, g = 0, is learned in ≈ 100
    /// steps; with the template's 6 tokens it jumps from 8% to 98% around step 600 at lr 1e-3 and never at 3e-3;
    /// tools/SparseX.Train/README.md).</summary>
    /// <param name="rng">The random source.</param>
    /// <param name="vocabSize">Tokens are drawn from [4, vocabSize).</param>
    /// <param name="querySuffix">The tokens that may stand between a query's key and its value (none: plain recall).</param>
    /// <param name="reverseShare">The probability that the row's values come before their keys.</param>
    /// <param name="typed">Values of their own kind, each pair with its own gap (see <see cref="Row"/>).</param>
    /// <returns>The row.</returns>
    public static EncodedSample MixedRow(Random rng, int vocabSize, IReadOnlyList<int>? querySuffix = null, double reverseShare = 0.5, bool typed = false)
    {
        ArgumentNullException.ThrowIfNull(rng);
        int pairs = rng.Next(4, 17), gap = rng.Next(6);
        bool reverse = rng.NextDouble() < reverseShare;
        return Row(rng, pairs, queries: 16, gap, reverse, vocabSize, QuerySeparator(rng, querySuffix), typed);
    }

    /// <summary>The tokens a row puts between each query's key and its answer: the last g of
    /// <paramref name="querySuffix"/>, g drawn from 0 to its length (no draw when it is empty).</summary>
    /// <param name="rng">The random source.</param>
    /// <param name="querySuffix">The tokens that may stand between a query's key and its answer, or null.</param>
    /// <returns>The separator.</returns>
    internal static int[] QuerySeparator(Random rng, IReadOnlyList<int>? querySuffix)
    {
        int g = querySuffix is { Count: > 0 } ? rng.Next(querySuffix.Count + 1) : 0;
        return g == 0 || querySuffix is null ? [] : [.. querySuffix.Skip(querySuffix.Count - g)];
    }

    /// <summary>The tokens between a corpus question's last word and its answer: " ?", the end of the user message and
    /// the assistant header.</summary>
    /// <param name="encode">The tokenizer.</param>
    /// <returns>The token ids.</returns>
    public static int[] ChatQuerySuffix(Func<string, int[]> encode)
    {
        ArgumentNullException.ThrowIfNull(encode);
        return encode(" ?" + SparseX.World.ChatMl.ImEnd + "\n" + SparseX.World.ChatMl.Header("assistant"));
    }

    /// <summary>One recall row.</summary>
    /// <param name="rng">The random source.</param>
    /// <param name="pairs">Pairs in the context.</param>
    /// <param name="queries">Queries after it (each a pair drawn at random).</param>
    /// <param name="gap">Noise tokens between a pair's two tokens.</param>
    /// <param name="reverse">Whether the value comes before its key.</param>
    /// <param name="vocabSize">Tokens are drawn from [4, vocabSize) (ids below 4 are the special tokens).</param>
    /// <param name="separator">Tokens between a query's key and its value, the same in every query (as the chat
    /// template's tokens stand between a question's key and its answer); none if null.</param>
    /// <param name="typed">Values are drawn from the upper half of the vocabulary, keys and noise from the lower, and each
    /// pair has its own number of noise tokens, 0 to <paramref name="gap"/>: as in the corpus, where a fact's answer is an
    /// entity name at a varying distance from its key, told apart from the words between by its kind (untyped, a value at
    /// a varying distance would look like the noise around it).</param>
    /// <returns>The row (its answer span starts at the first query).</returns>
    public static EncodedSample Row(Random rng, int pairs, int queries, int gap, bool reverse, int vocabSize, IReadOnlyList<int>? separator = null, bool typed = false)
    {
        ArgumentNullException.ThrowIfNull(rng);
        int mid = typed ? (vocabSize + 4) / 2 : vocabSize;
        var keys = new HashSet<int>();
        while (keys.Count < pairs)
        {
            keys.Add(rng.Next(4, mid));
        }

        int[] k = [.. keys];
        int[] v = [.. k.Select(_ => rng.Next(typed ? mid : 4, vocabSize))];
        var ids = new List<int>();
        for (int i = 0; i < pairs; i++)
        {
            ids.Add(reverse ? v[i] : k[i]);
            ids.AddRange(Enumerable.Range(0, typed ? rng.Next(gap + 1) : gap).Select(_ => rng.Next(4, mid)));
            ids.Add(reverse ? k[i] : v[i]);
        }

        int answerStart = ids.Count;
        var weights = new List<float>(Enumerable.Repeat(0f, ids.Count));
        separator ??= [];
        for (int q = 0; q < queries; q++)
        {
            int i = rng.Next(pairs);
            ids.Add(k[i]);
            ids.AddRange(separator);
            ids.Add(v[i]);
            weights.AddRange(Enumerable.Repeat(0f, 1 + separator.Count).Append(1f));
        }

        return new EncodedSample([.. ids], [.. weights], answerStart, ids.Count);
    }
}
