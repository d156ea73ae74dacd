using SparseX.Cli.Quality;
using SparseX.Engine.Reuse;
using SparseX.World;

namespace SparseX.Cli.Tests;

/// <summary>
/// The CI subset of <c>sparsex quality</c> on the committed demo model. The thresholds are set a little under the
/// values measured on the committed model (seed 1, 24 questions); update them when
/// models/sparsex-demo is replaced: run <c>sparsex quality --model models/sparsex-demo --questions 24 --modes
/// FullPrefill,Reuse --selectors None,SparseQ --budgets 0.15 --full-layers 1,2 --boundary-tokens 0,2</c> (and the same with
/// <c>--modes Reuse --selectors SegmentHeads --full-layers 2</c>) and take the FullPrefill, "naive (None) F=1",
/// "SparseQ r=0.15 F=2" (m = 0 and m = 2) and "SegmentHeads r=0.15 F=2" rows.
/// </summary>
[Trait("Category", "Slow")]
public class QualityCiTests(DemoModel demo) : IClassFixture<DemoModel>
{
    private const int Questions = 24;
    private const int Seed = 1;

    // Measured on the committed model (V5d, V5 world; 2026-11-27, CPU fp32, 24 questions): FullPrefill EM 62.5%;
    // naive (None, F=1) EM 62.5% KL 0.305; SparseQ r=0.15 F=2 m=0 EM 62.5% KL 0.280 oracle recall 0.161; SparseQ
    // r=0.15 F=2 m=2 (the default policy) EM 62.5% KL 0.245 recall 0.224; SegmentHeads r=0.15 F=2 EM 62.5% KL 0.0049
    // recall 0.386. On these 24 questions naive reuse loses no answer (it does on the CompanyAbove set below), but it
    // moves the first-token distribution, and recomputing tokens moves it back. The thresholds sit a little under (EM,
    // recall) or over (KL) those values; raise them when a better model replaces models/sparsex-demo.
    private const double MinFullPrefillExactMatch = 0.55;
    private const double MinNaiveKl = 0.25;
    private const double MaxNaiveKl = 0.36;
    private const double MaxSparseQKl = 0.32;
    private const double MinSparseQOracleRecall = 0.13;
    private const double MinDefaultPolicyExactMatch = 0.54;
    private const double MaxDefaultPolicyKl = 0.28;
    private const double MinDefaultPolicyOracleRecall = 0.19;
    private const double MaxSegmentHeadsKl = 0.02;

    [Fact]
    public void DemoModelSubsetMeetsThresholds()
    {
        QualityConfiguration[] grid =
        [
            new(ReuseMode.FullPrefill),
            new(ReuseMode.Reuse, SelectorKind.None, 0, 1),
            new(ReuseMode.Reuse, SelectorKind.SparseQ, 0.15, 2),
            new(ReuseMode.Reuse, SelectorKind.SparseQ, 0.15, 2, BoundaryTokens: 2),
            new(ReuseMode.Reuse, SelectorKind.SegmentHeads, 0.15, 2),
        ];
        var results = demo.Benchmark().Run(new QualityOptions(Seed, Questions, grid, World: demo.World));
        QualityResult full = results[0], naive = results[1], sparseQ = results[2], policy = results[3], heads = results[4];
        string measured = string.Join("; ", results.Select(r => $"{r.Name}: EM {r.ExactMatch:0.000}, KL {r.FirstTokenKl:0.00000}, recall {r.OracleRecall:0.000}"));

        Assert.All(results, r => Assert.Equal(Questions, r.Questions));
        Assert.True(full.ExactMatch >= MinFullPrefillExactMatch, measured);

        // Naive reuse (KV cached after other neighbours) moves the answer distribution; every selector at r = 0.15 moves
        // it back part of the way, and recomputing the documents' first tokens almost all of it on this corpus.
        Assert.InRange(naive.FirstTokenKl, MinNaiveKl, MaxNaiveKl);
        Assert.True(sparseQ.FirstTokenKl <= MaxSparseQKl && sparseQ.FirstTokenKl < naive.FirstTokenKl, measured);
        Assert.True(sparseQ.OracleRecall >= MinSparseQOracleRecall, measured);
        Assert.True(policy.ExactMatch >= MinDefaultPolicyExactMatch, measured);
        Assert.True(policy.FirstTokenKl <= MaxDefaultPolicyKl && policy.FirstTokenKl < sparseQ.FirstTokenKl, measured);
        Assert.True(policy.OracleRecall >= MinDefaultPolicyOracleRecall, measured);
        Assert.True(heads.FirstTokenKl <= MaxSegmentHeadsKl, measured);
        Assert.True(naive.ReusedTokens > 0 && sparseQ.RecomputedTokens > 0 && policy.RecomputedTokens > sparseQ.RecomputedTokens, measured);
    }

    /// <summary>
    /// The kind whose answer sits in another document's KV ("The X was launched by the company above ."): the first 32
    /// held-out CompanyAbove questions (<c>sparsex quality --kinds CompanyAbove --questions 32 --modes FullPrefill,Reuse
    /// --selectors None,SparseQ --budgets 0.15 --full-layers 1,2 --boundary-tokens 2</c>). Measured on the committed
    /// model (V5d, 2026-11-27): FullPrefill EM 43.8%; naive EM 31.3%, KL 0.840; default policy EM 53.1%, KL 0.364.
    /// </summary>
    [Fact]
    public void CompanyAboveSeparatesNaiveReuseFromTheDefaultPolicy()
    {
        const int questions = 32;
        QualityConfiguration[] grid =
        [
            new(ReuseMode.FullPrefill),
            new(ReuseMode.Reuse, SelectorKind.None, 0, 1),
            new(ReuseMode.Reuse, SelectorKind.SparseQ, 0.15, 2, BoundaryTokens: 2),
        ];
        var results = demo.Benchmark().Run(new QualityOptions(Seed, questions, grid, World: demo.World, Kinds: [QuestionKind.CompanyAbove]));
        QualityResult full = results[0], naive = results[1], policy = results[2];
        string measured = string.Join("; ", results.Select(r => $"{r.Name}: EM {r.ExactMatch:0.000}, KL {r.FirstTokenKl:0.00000}"));

        Assert.All(results, r => Assert.Equal(questions, r.QuestionsByKind[nameof(QuestionKind.CompanyAbove)]));
        Assert.True(full.ExactMatch >= 0.40, measured);

        // Cached after the wrong neighbour, "the company above" names the wrong company: naive reuse loses answers and
        // its first-token distribution moves far; the default policy recovers the answers and more than half the KL.
        Assert.True(full.ExactMatch - naive.ExactMatch >= 0.10, measured);
        Assert.True(naive.FirstTokenKl >= 0.6, measured);
        Assert.True(policy.ExactMatch >= full.ExactMatch - 0.07, measured);
        Assert.True(policy.FirstTokenKl <= 0.42 && policy.FirstTokenKl <= 0.5 * naive.FirstTokenKl, measured);
    }
}
