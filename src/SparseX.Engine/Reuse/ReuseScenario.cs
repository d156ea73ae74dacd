namespace SparseX.Engine.Reuse;

/// <summary>
/// A seeded random multi-segment workload for checking and measuring reuse: a shared system prefix,
/// distinct segments of mixed lengths (shorter and longer than a block, not block-aligned), an earlier
/// request that computed them in another order after another prefix, and a query request that uses
/// 3–8 of them in random order with a duplicate and a new question.
/// </summary>
public sealed class ReuseScenario
{
    private ReuseScenario(int[][] segments, IReadOnlyList<PromptSpan> earlier, IReadOnlyList<PromptSpan> query, IReadOnlyList<PromptSpan> samePositions)
    {
        SegmentTokens = segments;
        Earlier = earlier;
        Query = query;
        SamePositions = samePositions;
    }

    /// <summary>Gets the distinct segments' ids.</summary>
    public int[][] SegmentTokens { get; }

    /// <summary>Gets an earlier request: another prefix, the segments in another order, another question.</summary>
    public IReadOnlyList<PromptSpan> Earlier { get; }

    /// <summary>Gets the query: shared prefix, 3–8 segments (reordered, one duplicated), glue, a new question.</summary>
    public IReadOnlyList<PromptSpan> Query { get; }

    /// <summary>Gets a request with the earlier request's prefix and segments at the same positions, and a new question.</summary>
    public IReadOnlyList<PromptSpan> SamePositions { get; }

    /// <summary>Generates a scenario.</summary>
    /// <param name="seed">The seed.</param>
    /// <param name="vocabSize">Token ids are drawn from [4, vocabSize).</param>
    /// <param name="maxSegmentLength">Longest segment.</param>
    /// <returns>The scenario.</returns>
    public static ReuseScenario Create(int seed, int vocabSize, int maxSegmentLength = 40)
    {
        var random = new Random(seed);
        int[] Ids(int count) => Enumerable.Range(0, count).Select(_ => random.Next(4, vocabSize)).ToArray();
        PromptSpan Glue() => PromptSpan.Plain(Ids(random.Next(1, 4)));

        int distinct = random.Next(3, 7);
        int[][] segments = Enumerable.Range(0, distinct).Select(_ => Ids(random.Next(3, maxSegmentLength + 1))).ToArray();
        int[] prefix = Ids(random.Next(16, 40));
        var kinds = Enum.GetValues<SegmentKind>();
        PromptSpan Seg(int i) => PromptSpan.Segment(kinds[i % kinds.Length], segments[i], $"seg{i}");

        var earlier = new List<PromptSpan> { PromptSpan.Plain(Ids(random.Next(5, 25))) };
        foreach (int i in Enumerable.Range(0, distinct).OrderBy(_ => random.Next()))
        {
            earlier.Add(Seg(i));
            earlier.Add(Glue());
        }

        var samePositions = new List<PromptSpan>(earlier) { PromptSpan.Plain(Ids(random.Next(5, 12))) };
        earlier.Add(PromptSpan.Plain(Ids(random.Next(5, 12))));

        int used = random.Next(3, 9);
        var order = Enumerable.Range(0, used).Select(k => k < distinct ? k : random.Next(distinct)).OrderBy(_ => random.Next()).ToList();
        order.Add(order[random.Next(order.Count)]); // a duplicate
        var query = new List<PromptSpan> { PromptSpan.Plain(prefix), PromptSpan.Segment(SegmentKind.Other, Array.Empty<int>(), "empty") };
        foreach (int i in order)
        {
            query.Add(Seg(i));
            query.Add(Glue());
        }

        query.Add(PromptSpan.Plain(Ids(random.Next(5, 12))));
        return new ReuseScenario(segments, earlier, query, samePositions);
    }
}
