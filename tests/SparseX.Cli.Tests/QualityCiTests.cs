using SparseX.Cli.Quality;
using SparseX.Engine.Reuse;
using SparseX.World;

namespace SparseX.Cli.Tests;

/// <summary>
/// The CI subset of <c>sparsex quality</c> on the committed demo model. The thresholds are set a little under the
/// values measured on the committed model (seed 1, 24 questions); update them when
/// models/sparsex-demo is replaced (and run <c>sparsex calibrate</c> on it first): run <c>sparsex quality --model
/// models/sparsex-demo --questions 24 --modes FullPrefill,Reuse --selectors None,SparseQ,SegmentHeads --budgets 0.15
/// --full-layers 1,2 --boundary-tokens 0,2</c> (the calibrated default policy is the "SparseQ r=0.15 F=2 m=2" row) and the
/// same with <c>--modes Reuse --selectors SparseQ --full-layers 2 --selection-layer last-full</c> (the F − 1 rows).
/// </summary>
[Trait("Category", "Slow")]
public class QualityCiTests(DemoModel demo) : IClassFixture<DemoModel>
{
    private const int Questions = 24;
    private const int Seed = 1;

    // Measured on the committed model (S5, V5 world, calibrated selection layer 3; 2026-11-28, CPU fp32, 24 questions):
    // FullPrefill EM 95.8%; naive (None, F=1) EM 95.8% KL 0.342; SparseQ r=0.15 F=2 ranked at F − 1, m=0 EM 95.8% KL 0.340
    // oracle recall 0.22, m=2 EM 91.7% KL 0.165 recall 0.28; the default policy (SparseQ r=0.15 F=2 m=2 ranked at the
    // calibrated layer 3) EM 95.8% KL 0.0087 recall 0.34; SegmentHeads r=0.15 F=2 EM 100% KL 0.0285 recall 0.36. On
    // these 24 questions naive reuse loses no answer (it does on the CompanyAbove set below), but it moves the
    // first-token distribution; ranked at F − 1 Sparse-Q moves it back little without the documents' first tokens and
    // half-way with them, ranked at the calibrated layer nearly all the way. The thresholds sit a little under (EM,
    // recall) or over (KL) those values; raise them when a better model replaces models/sparsex-demo.
    private const double MinFullPrefillExactMatch = 0.9;
    private const double MinNaiveKl = 0.28;
    private const double MaxNaiveKl = 0.42;
    private const double MaxSparseQKl = 0.42;
    private const double MinSparseQOracleRecall = 0.2;
    private const double MaxLastFullPolicyKl = 0.2;
    private const double MinDefaultPolicyExactMatch = 0.9;
    private const double MaxDefaultPolicyKl = 0.012;
    private const double MinDefaultPolicyOracleRecall = 0.31;
    private const double MaxSegmentHeadsKl = 0.035;

    // CompanyAbove, 32 questions (below): FullPrefill EM 87.5%; naive EM 68.8%, KL 0.677; ranked at F − 1 (m = 2) EM 78.1%,
    // KL 0.551; the default policy (calibrated layer 3) EM 87.5%, KL 0.0020.
    private const double MinCompanyFullExactMatch = 0.8;
    private const double MinCompanyNaiveLoss = 0.15;
    private const double MinCompanyNaiveKl = 0.55;
    private const double MaxCompanyPolicyKl = 0.005;

    [Fact]
    public void DemoModelSubsetMeetsThresholds()
    {
        // The committed model ships its measured selection layer (sparsex_reuse.json, `sparsex calibrate`), so the default
        // policy ranks there; the F − 1 rows name layer F − 1 = 1 explicitly (DESIGN §4 step 3 as written).
        Assert.NotNull(demo.Model.ReuseCalibration);
        QualityConfiguration[] grid =
        [
            new(ReuseMode.FullPrefill),
            new(ReuseMode.Reuse, SelectorKind.None, 0, 1),
            new(ReuseMode.Reuse, SelectorKind.SparseQ, 0.15, 2, SelectionLayer: 1),
            new(ReuseMode.Reuse, SelectorKind.SparseQ, 0.15, 2, BoundaryTokens: 2, SelectionLayer: 1),
            new(ReuseMode.Reuse, SelectorKind.SparseQ, 0.15, 2, BoundaryTokens: 2),
            new(ReuseMode.Reuse, SelectorKind.SegmentHeads, 0.15, 2),
        ];
        var results = demo.Benchmark().Run(new QualityOptions(Seed, Questions, grid, World: demo.World));
        QualityResult full = results[0], naive = results[1], sparseQ = results[2], lastFull = results[3], policy = results[4], heads = results[5];
        string measured = string.Join("; ", results.Select(r => $"{r.Name}: EM {r.ExactMatch:0.000}, KL {r.FirstTokenKl:0.00000}, recall {r.OracleRecall:0.000}"));

        Assert.All(results, r => Assert.Equal(Questions, r.Questions));
        Assert.True(full.ExactMatch >= MinFullPrefillExactMatch, measured);

        // Naive reuse (KV cached after other neighbours) moves the answer distribution; Sparse-Q ranked at F − 1 moves it
        // back a little, recomputing the documents' first tokens too half of it, and ranking at the calibrated layer
        // almost all of it.
        Assert.InRange(naive.FirstTokenKl, MinNaiveKl, MaxNaiveKl);
        Assert.True(sparseQ.FirstTokenKl <= MaxSparseQKl && sparseQ.FirstTokenKl < naive.FirstTokenKl, measured);
        Assert.True(sparseQ.OracleRecall >= MinSparseQOracleRecall, measured);
        Assert.True(lastFull.FirstTokenKl <= MaxLastFullPolicyKl && lastFull.FirstTokenKl < sparseQ.FirstTokenKl, measured);
        Assert.True(policy.ExactMatch >= MinDefaultPolicyExactMatch, measured);
        Assert.True(policy.FirstTokenKl <= MaxDefaultPolicyKl && policy.FirstTokenKl < lastFull.FirstTokenKl, measured);
        Assert.True(policy.OracleRecall >= MinDefaultPolicyOracleRecall, measured);
        Assert.True(heads.FirstTokenKl <= MaxSegmentHeadsKl, measured);
        Assert.True(naive.ReusedTokens > 0 && sparseQ.RecomputedTokens > 0 && policy.RecomputedTokens > sparseQ.RecomputedTokens, measured);
    }

    /// <summary>
    /// The kind whose answer sits in another document's KV ("The X was launched by the company above ."): the first 32
    /// held-out CompanyAbove questions (<c>sparsex quality --kinds CompanyAbove --questions 32 --modes FullPrefill,Reuse
    /// --selectors None,SparseQ --budgets 0.15 --full-layers 1,2 --boundary-tokens 2</c>, and the same with
    /// <c>--modes Reuse --selectors SparseQ --full-layers 2 --selection-layer last-full</c>). Measured on the committed model (S5,
    /// 2026-11-28): see the constants above.
    /// </summary>
    [Fact]
    public void CompanyAboveSeparatesNaiveReuseFromTheDefaultPolicy()
    {
        const int questions = 32;
        QualityConfiguration[] grid =
        [
            new(ReuseMode.FullPrefill),
            new(ReuseMode.Reuse, SelectorKind.None, 0, 1),
            new(ReuseMode.Reuse, SelectorKind.SparseQ, 0.15, 2, BoundaryTokens: 2, SelectionLayer: 1),
            new(ReuseMode.Reuse, SelectorKind.SparseQ, 0.15, 2, BoundaryTokens: 2),
        ];
        var results = demo.Benchmark().Run(new QualityOptions(Seed, questions, grid, World: demo.World, Kinds: [QuestionKind.CompanyAbove]));
        QualityResult full = results[0], naive = results[1], lastFull = results[2], policy = results[3];
        string measured = string.Join("; ", results.Select(r => $"{r.Name}: EM {r.ExactMatch:0.000}, KL {r.FirstTokenKl:0.00000}"));

        Assert.All(results, r => Assert.Equal(questions, r.QuestionsByKind[nameof(QuestionKind.CompanyAbove)]));
        Assert.True(full.ExactMatch >= MinCompanyFullExactMatch, measured);

        // Cached after the wrong neighbour, "the company above" names the wrong company: naive reuse loses answers and its
        // first-token distribution moves far; ranking at F − 1 recovers little of it on this model, the default policy
        // (ranked at the calibrated layer, the one that does the look-up) nearly all.
        Assert.True(full.ExactMatch - naive.ExactMatch >= MinCompanyNaiveLoss, measured);
        Assert.True(naive.FirstTokenKl >= MinCompanyNaiveKl, measured);
        Assert.True(lastFull.FirstTokenKl < naive.FirstTokenKl, measured);
        Assert.True(policy.ExactMatch >= full.ExactMatch - 0.1 && policy.ExactMatch > naive.ExactMatch, measured);
        Assert.True(policy.FirstTokenKl <= MaxCompanyPolicyKl && policy.FirstTokenKl < lastFull.FirstTokenKl, measured);
    }
}
