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

    // Measured on the committed model (M10, V10 world, calibrated selection layer 4; 2026-11-28, CPU fp32, 24 questions):
    // FullPrefill EM 100%; naive (None, F=1) EM 95.8% KL 0.00305; SparseQ r=0.15 F=2 ranked at F − 1, m=0 EM 95.8% KL
    // 0.00203 oracle recall 0.27, m=2 EM 100% KL 0.00189 recall 0.32; the default policy (SparseQ r=0.15 F=2 m=2 ranked at
    // the calibrated layer 4) EM 100% KL 0.00006 recall 0.32; SegmentHeads r=0.15 F=2 EM 100% KL 0.00013 recall 0.26. On
    // these 24 questions naive reuse loses one answer and hardly moves the others (M10 answers most links at question
    // time; the CompanyAbove sets below move far); ranked at F − 1 Sparse-Q moves it back a little, ranked at the
    // calibrated layer nearly all the way. The thresholds sit a little under (EM, recall) or over (KL) those values;
    // raise them when a better model replaces models/sparsex-demo.
    private const double MinFullPrefillExactMatch = 0.95;
    private const double MinNaiveKl = 0.0025;
    private const double MaxNaiveKl = 0.004;
    private const double MaxSparseQKl = 0.0025;
    private const double MinSparseQOracleRecall = 0.24;
    private const double MaxLastFullPolicyKl = 0.0023;
    private const double MinDefaultPolicyExactMatch = 0.95;
    private const double MaxDefaultPolicyKl = 0.0002;
    private const double MinDefaultPolicyOracleRecall = 0.29;
    private const double MaxSegmentHeadsKl = 0.0004;

    // CompanyAbove, 32 questions, separate messages, shuffled warm-ups (below): FullPrefill EM 96.9%; naive EM 81.3%, KL
    // 1.605; ranked at F − 1 (m = 2) EM 84.4%, KL 1.287; the default policy (calibrated layer 4) EM 100%, KL 0.0890.
    private const double MinCompanyFullExactMatch = 0.9;
    private const double MinCompanyNaiveLoss = 0.12;
    private const double MinCompanyNaiveKl = 1.2;
    private const double MaxCompanyPolicyKl = 0.12;

    // CompanyAbove, 32 questions, merged documents each cached alone (the last test): FullPrefill EM 100%; naive EM 62.5%,
    // KL 4.17; the default policy EM 96.9%, KL 0.0913; KvDeviation r=0.15 F=2 m=2 EM 81.3%, KL 1.38; SegmentHeads r=0.15 F=2
    // EM 100%, KL 0.0213 (on these questions the lowest: every linking sentence opens its document).
    private const double MinAloneFullExactMatch = 0.95;
    private const double MinAloneNaiveLoss = 0.3;
    private const double MinAloneNaiveKl = 3.5;
    private const double MaxAlonePolicyKl = 0.11;
    private const double MaxAloneHeadsKl = 0.03;

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
        // back a little, recomputing the documents' first tokens too a little more, and ranking at the calibrated layer
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
    /// <c>--modes Reuse --selectors SparseQ --full-layers 2 --selection-layer last-full</c>). Measured on the committed model (M10,
    /// 2026-11-28): see the constants above.
    /// </summary>
    [Fact]
    public void CompanyAboveSeparatesNaiveReuseFromTheDefaultPolicy()
    {
        var (results, measured) = RunCompanyAbove(
        [
            new(ReuseMode.FullPrefill),
            new(ReuseMode.Reuse, SelectorKind.None, 0, 1),
            new(ReuseMode.Reuse, SelectorKind.SparseQ, 0.15, 2, BoundaryTokens: 2, SelectionLayer: 1),
            new(ReuseMode.Reuse, SelectorKind.SparseQ, 0.15, 2, BoundaryTokens: 2),
        ], mergedAndAlone: false);
        QualityResult full = results[0], naive = results[1], lastFull = results[2], policy = results[3];
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

    /// <summary>
    /// The kind whose answer sits in another document's KV ("The X was launched by the company above ."), in the setting
    /// where that KV is wrong for certain: the first 32 held-out CompanyAbove questions with the documents merged into one
    /// message (no freshly computed token between them) and each cached alone beforehand (<c>sparsex quality --kinds
    /// CompanyAbove --questions 32 --merged --isolated --modes FullPrefill,Reuse --selectors None,SparseQ,SegmentHeads,KvDeviation
    /// --budgets 0.15 --full-layers 1,2 --boundary-tokens 2</c>). Measured on the committed model: see the constants above.
    /// </summary>
    [Fact]
    public void CompanyAboveCachedAloneSeparatesNaiveReuseFromTheDefaultPolicy()
    {
        var (results, measured) = RunCompanyAbove(
        [
            new(ReuseMode.FullPrefill),
            new(ReuseMode.Reuse, SelectorKind.None, 0, 1),
            new(ReuseMode.Reuse, SelectorKind.SparseQ, 0.15, 2, BoundaryTokens: 2),
            new(ReuseMode.Reuse, SelectorKind.KvDeviation, 0.15, 2, BoundaryTokens: 2),
            new(ReuseMode.Reuse, SelectorKind.SegmentHeads, 0.15, 2),
        ], mergedAndAlone: true);
        QualityResult full = results[0], naive = results[1], policy = results[2], deviation = results[3], heads = results[4];
        Assert.True(full.ExactMatch >= MinAloneFullExactMatch, measured);

        // Cached with no document before it, "the company above" resolved to nothing: naive reuse loses answers and its
        // first-token distribution moves far; the default policy recovers them, KvDeviation at the same budget less.
        Assert.True(full.ExactMatch - naive.ExactMatch >= MinAloneNaiveLoss, measured);
        Assert.True(naive.FirstTokenKl >= MinAloneNaiveKl, measured);
        Assert.True(policy.ExactMatch >= full.ExactMatch - 0.05 && policy.ExactMatch > naive.ExactMatch, measured);
        Assert.True(policy.FirstTokenKl <= MaxAlonePolicyKl && policy.FirstTokenKl < deviation.FirstTokenKl, measured);
        Assert.True(heads.FirstTokenKl <= MaxAloneHeadsKl, measured);
    }

    /// <summary>Runs <paramref name="grid"/> on the first 32 held-out CompanyAbove questions (merged and each cached alone,
    /// or the default format), checks every configuration saw all of them, and describes what was measured.</summary>
    private (IReadOnlyList<QualityResult> Results, string Measured) RunCompanyAbove(QualityConfiguration[] grid, bool mergedAndAlone)
    {
        const int questions = 32;
        var options = new QualityOptions(Seed, questions, grid, World: demo.World, Kinds: [QuestionKind.CompanyAbove], Merged: mergedAndAlone, Isolated: mergedAndAlone);
        IReadOnlyList<QualityResult> results = demo.Benchmark().Run(options);
        Assert.All(results, r => Assert.Equal(questions, r.QuestionsByKind[nameof(QuestionKind.CompanyAbove)]));
        return (results, string.Join("; ", results.Select(r => $"{r.Name}: EM {r.ExactMatch:0.000}, KL {r.FirstTokenKl:0.00000}")));
    }
}
