namespace SparseX.Train.Training;

/// <summary>
/// Two-hop recall, the shape of the corpus's cross-document questions without its language: blocks (as documents) that
/// either introduce a name (an entity of its own kind, as "C is a company based in CITY" does) or state facts whose value
/// is a pointer to the most recent name before them ("The X was launched by the company above ."); queries then ask a
/// fact's key and are answered with the name its pointer resolves to. Key-first typed recall (<see cref="RecallTask"/>)
/// is learned in a few hundred steps, but a model that has it still answers "the company above" questions at chance
/// between the candidates (the V5 model, tools/SparseX.Train/README.md): the pointer must be resolved where it stands —
/// the referring block's KV must carry the name — and then found from the question.
/// </summary>
public static class PointerRecallTask
{
    /// <summary>The corpus's pointers (V5: "The X was launched by the company above .", "The X project was handled by the
    /// person above .").</summary>
    /// <param name="encode">The tokenizer.</param>
    /// <returns>The token ids of each pointer.</returns>
    public static int[][] CorpusPointers(Func<string, int[]> encode)
    {
        ArgumentNullException.ThrowIfNull(encode);
        return [encode(" the company above"), encode(" the person above")];
    }

    /// <summary>The tokens between one document message and the next: the end of a message and a user header.</summary>
    /// <param name="encode">The tokenizer.</param>
    /// <returns>The token ids.</returns>
    public static int[] DocumentBoundary(Func<string, int[]> encode)
    {
        ArgumentNullException.ThrowIfNull(encode);
        return encode(SparseX.World.ChatMl.ImEnd + "\n" + SparseX.World.ChatMl.Header("user"));
    }

    /// <summary>One row: 6–12 blocks (≈ 115 tokens on average), the first introducing a name, the others introducing one or
    /// stating one or two facts that point to the last name before them, with up to 15 noise tokens around; 8–16 queries
    /// after them.</summary>
    /// <param name="rng">The random source.</param>
    /// <param name="vocabSize">Names are drawn from the upper half of [4, vocabSize), keys and noise from the lower.</param>
    /// <param name="pointer">The tokens of a pointer ("the company above"); they, the block start and the query suffix are
    /// never drawn as names, keys or noise.</param>
    /// <param name="blockStart">The tokens that open every block (a document message's header); may be empty.</param>
    /// <param name="querySuffix">The tokens that may stand between a query's key and its answer: the last g of them, g
    /// drawn per row from 0 to their count, as in <see cref="RecallTask.MixedRow"/>.</param>
    /// <returns>The row (its answer span starts at the first query; only the answers weigh).</returns>
    public static EncodedSample Row(Random rng, int vocabSize, IReadOnlyList<int> pointer, IReadOnlyList<int> blockStart, IReadOnlyList<int> querySuffix)
    {
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentNullException.ThrowIfNull(pointer);
        ArgumentNullException.ThrowIfNull(blockStart);
        ArgumentNullException.ThrowIfNull(querySuffix);
        if (pointer.Count == 0)
        {
            throw new ArgumentException("A pointer needs at least one token.", nameof(pointer));
        }

        int mid = (vocabSize + 4) / 2;
        var reserved = new HashSet<int>(pointer.Concat(blockStart).Concat(querySuffix));
        int Draw(int from, int to)
        {
            int t;
            do
            {
                t = rng.Next(from, to);
            }
            while (reserved.Contains(t));
            return t;
        }

        int Plain() => Draw(4, mid);

        // Keys are drawn first and kept out of the noise, so that each occurs once in the context.
        const int MaxBlocks = 12, MaxFactsPerBlock = 2;
        if (Enumerable.Range(4, mid - 4).Count(t => !reserved.Contains(t)) < (MaxBlocks * MaxFactsPerBlock) + 2)
        {
            throw new ArgumentException($"A vocabulary of {vocabSize} leaves too few plain tokens for a row's keys and noise.", nameof(vocabSize));
        }

        var keys = new Queue<int>();
        while (keys.Count < (MaxBlocks * MaxFactsPerBlock) + 1)
        {
            int key = Plain();
            if (reserved.Add(key))
            {
                keys.Enqueue(key);
            }
        }

        var ids = new List<int>();
        var facts = new List<(int Key, int Name)>();
        int blocks = rng.Next(6, MaxBlocks + 1), current = -1;
        for (int b = 0; b < blocks; b++)
        {
            ids.AddRange(blockStart);
            if (b == 0 || rng.NextDouble() < 0.5)
            {
                // A block that introduces a name: name, up to 15 words, and half the time the name again at the end (as
                // V4/V5 introductions restate their company last).
                current = Draw(mid, vocabSize);
                ids.Add(current);
                ids.AddRange(Enumerable.Range(0, rng.Next(16)).Select(_ => Plain()));
                if (rng.NextDouble() < 0.5)
                {
                    ids.Add(current);
                }

                continue;
            }

            // A block of facts whose value is "the one above": key, a few words, the pointer; words after.
            for (int f = rng.Next(1, MaxFactsPerBlock + 1); f > 0; f--)
            {
                int key = keys.Dequeue();
                ids.Add(key);
                ids.AddRange(Enumerable.Range(0, rng.Next(4)).Select(_ => Plain()));
                ids.AddRange(pointer);
                facts.Add((key, current));
            }

            ids.AddRange(Enumerable.Range(0, rng.Next(11)).Select(_ => Plain()));
        }

        if (facts.Count == 0)
        {
            // Every block after the first introduced a name: one fact block more, pointing to the last of them.
            int key = keys.Dequeue();
            ids.AddRange(blockStart);
            ids.Add(key);
            ids.AddRange(pointer);
            facts.Add((key, current));
        }

        int answerStart = ids.Count;
        var weights = new List<float>(Enumerable.Repeat(0f, ids.Count));
        int[] separator = RecallTask.QuerySeparator(rng, querySuffix);
        for (int q = rng.Next(8, 17); q > 0; q--)
        {
            var (key, name) = facts[rng.Next(facts.Count)];
            ids.Add(key);
            ids.AddRange(separator);
            ids.Add(name);
            weights.AddRange(Enumerable.Repeat(0f, 1 + separator.Length).Append(1f));
        }

        return new EncodedSample([.. ids], [.. weights], answerStart, ids.Count);
    }
}
