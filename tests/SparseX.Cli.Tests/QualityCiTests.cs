using SparseX.Cli.Quality;
using SparseX.Engine.Reuse;
using SparseX.World;

namespace SparseX.Cli.Tests;

/// <summary>
/// The CI subset of <c>sparsex quality</c> on the committed demo model. The thresholds are set a little under the
/// values measured on the committed model (seed 1, 24 questions); update them when
/// models/sparsex-demo is replaced: run <c>sparsex quality --model models/sparsex-demo --questions 24 --modes
/// FullPrefill,Reuse --selectors None,SparseQ --budgets 0.15 --full-layers 1,2 --boundary-tokens 0,2</c> and take the
/// FullPrefill, "naive (None) F=1" and "SparseQ r=0.15 F=2" (m = 0 and m = 2) rows.
/// </summary>
[Trait("Category", "Slow")]
public class QualityCiTests(DemoModel demo) : IClassFixture<DemoModel>
{
    private const int Questions = 24;
    private const int Seed = 1;

    // Measured on the committed model (R3, V2 world; 2026-11-27, CPU fp32, 24 questions): FullPrefill EM 58.3%;
    // naive (None, F=1) EM 41.7% KL 0.3125; SparseQ r=0.15 F=2 m=0 EM 33.3% KL 0.308 oracle recall 0.239; SparseQ
    // r=0.15 F=2 m=2 (the default policy) EM 50.0% KL 0.0186 recall 0.293. The thresholds sit a little under (EM,
    // recall, naive's loss) or over (KL) those values; raise them when a better model replaces models/sparsex-demo.
    private const double MinFullPrefillExactMatch = 0.50;
    private const double MinNaiveLoss = 0.10;
    private const double MaxNaiveKl = 0.36;
    private const double MaxSparseQKl = 0.36;
    private const double MinSparseQOracleRecall = 0.18;
    private const double MinDefaultPolicyExactMatch = 0.42;
    private const double MaxDefaultPolicyKl = 0.03;
    private const double MinDefaultPolicyOracleRecall = 0.24;

    [Fact]
    public void DemoModelSubsetMeetsThresholds()
    {
        QualityConfiguration[] grid =
        [
            new(ReuseMode.FullPrefill),
            new(ReuseMode.Reuse, SelectorKind.None, 0, 1),
            new(ReuseMode.Reuse, SelectorKind.SparseQ, 0.15, 2),
            new(ReuseMode.Reuse, SelectorKind.SparseQ, 0.15, 2, BoundaryTokens: 2),
        ];
        var results = demo.Benchmark().Run(new QualityOptions(Seed, Questions, grid, World: demo.World));
        QualityResult full = results[0], naive = results[1], sparseQ = results[2], policy = results[3];
        string measured = string.Join("; ", results.Select(r => $"{r.Name}: EM {r.ExactMatch:0.000}, KL {r.FirstTokenKl:0.00000}, recall {r.OracleRecall:0.000}"));

        Assert.All(results, r => Assert.Equal(Questions, r.Questions));
        Assert.True(full.ExactMatch >= MinFullPrefillExactMatch, measured);

        // The benchmark separates the modes: naive reuse loses answers that need the other documents.
        Assert.True(full.ExactMatch - naive.ExactMatch >= MinNaiveLoss, measured);
        Assert.True(naive.FirstTokenKl <= MaxNaiveKl, measured);
        Assert.True(sparseQ.FirstTokenKl <= MaxSparseQKl, measured);
        Assert.True(sparseQ.OracleRecall >= MinSparseQOracleRecall, measured);
        Assert.True(policy.ExactMatch >= MinDefaultPolicyExactMatch, measured);
        Assert.True(policy.FirstTokenKl <= MaxDefaultPolicyKl, measured);
        Assert.True(policy.OracleRecall >= MinDefaultPolicyOracleRecall, measured);
        Assert.True(naive.ReusedTokens > 0 && sparseQ.RecomputedTokens > 0 && policy.RecomputedTokens > sparseQ.RecomputedTokens, measured);
    }

    /// <summary>
    /// The kind whose answer sits in another document's KV ("The company above launched the X"): the first 32 held-out
    /// CompanyAbove questions (<c>sparsex quality --kinds CompanyAbove --questions 32 --modes FullPrefill,Reuse
    /// --selectors None,SparseQ --budgets 0.15 --full-layers 2 --boundary-tokens 2</c>). Measured on the committed
    /// model (R3, 2026-11-27): FullPrefill EM 53.1%; naive EM 18.8%, KL 0.931; default policy EM 53.1%, KL 0.0697.
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
        Assert.True(full.ExactMatch >= 0.45, measured);

        // Cached after the wrong neighbour, "the company above" names the wrong company: naive reuse loses a third of
        // the answers and its first-token distribution moves far; the default policy recovers both.
        Assert.True(full.ExactMatch - naive.ExactMatch >= 0.25, measured);
        Assert.True(naive.FirstTokenKl >= 0.6, measured);
        Assert.True(policy.ExactMatch >= full.ExactMatch - 0.07, measured);
        Assert.True(policy.FirstTokenKl <= 0.1, measured);
    }
}
