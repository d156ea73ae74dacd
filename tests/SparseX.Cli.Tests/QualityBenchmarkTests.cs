using SparseX.Cli.Quality;
using SparseX.Engine.Reuse;
using SparseX.World;

namespace SparseX.Cli.Tests;

/// <summary>Invariants of <c>sparsex quality</c> on the committed demo model (a few questions each).</summary>
public class QualityBenchmarkTests(DemoModel demo) : IClassFixture<DemoModel>
{
    private static readonly QualityConfiguration Full = new(ReuseMode.FullPrefill);
    private static readonly QualityConfiguration Naive = new(ReuseMode.Reuse, SelectorKind.None, 0, 1);
    private static readonly QualityConfiguration SparseQ = new(ReuseMode.Reuse, SelectorKind.SparseQ, 0.15, 2);
    private static readonly QualityConfiguration Random = new(ReuseMode.Reuse, SelectorKind.Random, 0.15, 2);
    private static readonly QualityConfiguration EverythingRecomputed = new(ReuseMode.Reuse, SelectorKind.SparseQ, 1.0, 2);

    [Fact]
    public void BudgetOneEqualsFullPrefillAndEvaluatedRequestsReuse()
    {
        var results = demo.Benchmark().Run(new QualityOptions(Seed: 3, Questions: 3, [Full, EverythingRecomputed, Naive, SparseQ, Random], World: demo.World));
        QualityResult full = results[0], all = results[1];

        // r = 1 recomputes every reused token: the answers and the first-token distribution are full prefill's.
        Assert.Equal(full.ExactMatch, all.ExactMatch);
        Assert.True(all.FirstTokenKl < 1e-6, $"KL at r = 1: {all.FirstTokenKl}");
        Assert.Equal(1.0, all.OracleRecall);
        Assert.Equal(all.ReusedTokens, all.RecomputedTokens);

        foreach (QualityResult r in results.Skip(1))
        {
            // The documents came from the warm-ups, not from an exact prefix.
            Assert.True(r.ReusedTokens > 100, $"{r.Name} reused {r.ReusedTokens} tokens");
            Assert.Equal(0, r.PrefixHitTokens);
            Assert.Equal(r.PromptTokens, r.ReusedTokens + r.NewTokens, 6);
            Assert.InRange(r.FirstTokenKl, 0, 50);
        }

        Assert.Null(results[2].OracleRecall); // naive reuse selects nothing
        Assert.Equal(0, results[2].RecomputedTokens);
        Assert.All(results.Skip(3), r => Assert.InRange(r.OracleRecall!.Value, 0, 1));
        Assert.True(results[3].RecomputeRatio < 0.5, $"|R|/N = {results[3].RecomputeRatio}");
    }

    [Fact]
    public void ResultsAreDeterministic()
    {
        var options = new QualityOptions(Seed: 5, Questions: 2, [Naive, SparseQ, new(ReuseMode.Reuse, SelectorKind.KvDeviation, 0.1, 1)], World: demo.World);
        var first = demo.Benchmark().Run(options);
        var second = demo.Benchmark().Run(options);
        Assert.Equal(first.Select(r => (r.ExactMatch, r.FirstTokenKl, r.OracleRecall, r.RecomputedTokens)), second.Select(r => (r.ExactMatch, r.FirstTokenKl, r.OracleRecall, r.RecomputedTokens)));
    }

    [Fact]
    public void AnswersRecordEveryConfigurationsAnswerAndTheWarmUpOrders()
    {
        var answers = new List<QualityAnswers>();
        var results = demo.Benchmark().Run(new QualityOptions(Seed: 2, Questions: 3, [Full, Naive], World: demo.World), answers: answers.Add);
        Assert.Equal(3, answers.Count);
        foreach (QualityAnswers a in answers)
        {
            Assert.Equal(new[] { Full.Name, Naive.Name }.Order(), a.Answers.Keys.Order());

            // Each of the question's documents is cached by exactly one warm-up; −1 marks the other conversation's.
            Assert.Equal(Enumerable.Range(0, a.Documents.Count), a.WarmUpOrders.SelectMany(o => o).Where(d => d >= 0).Order());
        }

        // The exact match is the share of recorded answers equal to the expected one.
        Assert.Equal(results[0].ExactMatch, answers.Count(a => a.Answers[Full.Name] == a.Expected) / 3.0, 6);
        Assert.Equal(results[1].ExactMatch, answers.Count(a => a.Answers[Naive.Name] == a.Expected) / 3.0, 6);
    }

    [Fact]
    public void KindsAskOnlyQuestionsOfThoseKinds()
    {
        var options = new QualityOptions(Seed: 1, Questions: 3, [Full], World: demo.World, Kinds: [QuestionKind.PersonAbove]);
        QualityResult r = Assert.Single(demo.Benchmark().Run(options));
        Assert.Equal(3, r.Questions);
        Assert.Equal(3, r.QuestionsByKind[nameof(QuestionKind.PersonAbove)]);
        Assert.Equal(3, r.QuestionsByKind.Values.Sum());
    }

    [Fact]
    public void IsolatedWarmUpsCacheEachDocumentAloneAfterTheOtherSystemPrompt()
    {
        var prompts = new QualityPrompts(demo.Template, demo.Tokenizer, demo.Model.Config.MaxPositionEmbeddings);
        foreach (bool merged in new[] { false, true })
        {
            var corpus = new CorpusGenerator(1, CorpusSplit.HeldOut, t => demo.Tokenizer.Encode(t).Length, demo.Model.Config.MaxPositionEmbeddings) { MergedShare = merged ? 1 : 0 };
            for (int i = 0; i < 3; i++)
            {
                QualityQuestion q = prompts.Build(corpus, i, ids => string.Join(",", ids), isolated: true);
                QualityQuestion shuffled = prompts.Build(corpus, i, ids => string.Join(",", ids));
                Assert.Equal(shuffled.Evaluated.TokenIds, q.Evaluated.TokenIds);

                // One warm-up per document, holding that document alone (no neighbour's KV shapes its cached KV), with
                // the same segment tokens as the evaluated request's.
                Assert.Equal(q.Conversation.DocumentCount, q.WarmUps.Count);
                Assert.All(q.WarmUpOrders, o => Assert.Single(o));
                Assert.Equal(Enumerable.Range(0, q.Conversation.DocumentCount), q.WarmUpOrders.Select(o => o[0]).Order());
                foreach (LayoutSegment doc in q.Evaluated.Segments)
                {
                    RequestLayout warmUp = Assert.Single(q.WarmUps, w => w.Segments.Any(s => s.Key == doc.Key));
                    LayoutSegment cached = Assert.Single(warmUp.Segments);
                    Assert.Equal(q.Evaluated.TokenIds[doc.Start..doc.End], warmUp.TokenIds[cached.Start..cached.End]);
                    Assert.True(CommonPrefix(warmUp.TokenIds, q.Evaluated.TokenIds) < 16);
                }
            }
        }
    }

    [Fact]
    public void WarmUpsCacheEveryDocumentInAnotherContext()
    {
        var prompts = new QualityPrompts(demo.Template, demo.Tokenizer, demo.Model.Config.MaxPositionEmbeddings);
        var corpus = new CorpusGenerator(1, CorpusSplit.HeldOut, t => demo.Tokenizer.Encode(t).Length, demo.Model.Config.MaxPositionEmbeddings);
        for (int i = 0; i < 6; i++)
        {
            QualityQuestion q = prompts.Build(corpus, i, ids => string.Join(",", ids));
            Assert.Equal(q.Conversation.DocumentCount, q.Evaluated.Segments.Count);
            Assert.InRange(q.WarmUps.Count, 1, 2);
            var warmed = q.WarmUps.SelectMany(w => w.Segments).ToList();
            foreach (LayoutSegment doc in q.Evaluated.Segments)
            {
                LayoutSegment cached = Assert.Single(warmed, s => s.Key == doc.Key);
                Assert.NotEqual(doc.Start, cached.Start);
            }

            Assert.All(q.WarmUps, w => Assert.True(w.TokenIds.Length <= demo.Model.Config.MaxPositionEmbeddings));

            // The warm-ups start with the other system prompt: no full 16-token block of the prefix is shared.
            Assert.All(q.WarmUps, w => Assert.True(CommonPrefix(w.TokenIds, q.Evaluated.TokenIds) < 16));
        }

        var other = new CorpusGenerator(2, CorpusSplit.HeldOut, t => demo.Tokenizer.Encode(t).Length, demo.Model.Config.MaxPositionEmbeddings);
        Assert.NotEqual(
            prompts.Build(corpus, 0, ids => string.Empty).Evaluated.TokenIds,
            prompts.Build(other, 0, ids => string.Empty).Evaluated.TokenIds);
    }

    [Fact]
    public void MergedDocumentsAreSegmentsEachEndedByTheSeparatorWithNothingBetween()
    {
        var prompts = new QualityPrompts(demo.Template, demo.Tokenizer, demo.Model.Config.MaxPositionEmbeddings);
        var corpus = new CorpusGenerator(1, CorpusSplit.HeldOut, t => demo.Tokenizer.Encode(t).Length, demo.Model.Config.MaxPositionEmbeddings) { MergedShare = 1 };
        int[] separator = demo.Tokenizer.Encode(CorpusGenerator.MergedSeparator);
        Assert.Single(separator);
        for (int i = 0; i < 4; i++)
        {
            QualityQuestion q = prompts.Build(corpus, i, ids => string.Join(",", ids));
            Assert.True(q.Conversation.Merged);
            IReadOnlyList<LayoutSegment> segments = q.Evaluated.Segments;
            Assert.Equal(q.Conversation.DocumentCount, segments.Count);

            // One segment per document, each ending with the separator's one token and the next starting right after it:
            // together the tokens of the whole message content, as training tokenizes it.
            int[] content = q.Evaluated.TokenIds[segments[0].Start..segments[^1].End];
            Assert.Equal(demo.Tokenizer.Encode(CorpusGenerator.MergeDocuments(q.Conversation.Documents)), content);
            for (int d = 0; d < segments.Count; d++)
            {
                Assert.True(d == 0 || segments[d - 1].End == segments[d].Start);
                Assert.Equal(separator[0], q.Evaluated.TokenIds[segments[d].End - 1]);
            }

            // The warm-ups merge their documents too, and cache every one elsewhere.
            var warmed = q.WarmUps.SelectMany(w => w.Segments).ToList();
            Assert.All(segments, doc => Assert.NotEqual(doc.Start, Assert.Single(warmed, s => s.Key == doc.Key).Start));
            Assert.All(q.WarmUps, w => Assert.All(w.Segments.Skip(1), s => Assert.Equal(separator[0], w.TokenIds[s.Start - 1])));
        }
    }

    private static int CommonPrefix(int[] a, int[] b)
    {
        int n = 0;
        while (n < a.Length && n < b.Length && a[n] == b[n])
        {
            n++;
        }

        return n;
    }
}
