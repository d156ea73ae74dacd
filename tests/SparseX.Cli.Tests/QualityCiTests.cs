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

    // Measured on the committed model (T12, V12 world, calibrated selection layer 4; 2026-11-28, CPU fp32, 24 questions):
    // FullPrefill EM 100%; naive (None, F=1) EM 91.7% KL 0.280; SparseQ r=0.15 F=2 ranked at F − 1, m=0 EM 95.8% KL 0.298
    // oracle recall 0.22, m=2 EM 95.8% KL 0.298 recall 0.28; the default policy (SparseQ r=0.15 F=2 m=2 ranked at the
    // calibrated layer 4) EM 100% KL 0.0069 recall 0.28; SegmentHeads r=0.15 F=2 EM 95.8% KL 0.280 recall 0.25. On this
    // model ranking at F − 1 recovers nothing of naive reuse's KL (nor does recomputing document heads), ranking at the
    // calibrated layer nearly all of it. The thresholds sit a little under (EM, recall) or over (KL) those values; raise
    // them when a better model replaces models/sparsex-demo.
    private const double MinFullPrefillExactMatch = 0.95;
    private const double MinNaiveKl = 0.22;
    private const double MaxNaiveKl = 0.34;
    private const double MaxLastFullKl = 0.36;
    private const double MinSparseQOracleRecall = 0.19;
    private const double MinDefaultPolicyExactMatch = 0.95;
    private const double MaxDefaultPolicyKl = 0.01;
    private const double MinDefaultPolicyOracleRecall = 0.25;

    // CompanyAbove, 32 questions, separate messages, shuffled warm-ups (below): FullPrefill EM 96.9%; naive EM 78.1%, KL
    // 2.218; ranked at F − 1 (m = 2) EM 87.5%, KL 0.995; the default policy (calibrated layer 4) EM 93.8%, KL 0.0345.
    private const double MinCompanyFullExactMatch = 0.9;
    private const double MinCompanyNaiveLoss = 0.15;
    private const double MinCompanyNaiveKl = 1.8;
    private const double MaxCompanyPolicyKl = 0.045;

    // CompanyAbove, 32 questions, merged documents each cached alone (the third test): FullPrefill EM 93.8%; naive EM 65.6%,
    // KL 4.38; the default policy EM 90.6%, KL 0.164; KvDeviation r=0.15 F=2 m=2 EM 65.6%, KL 3.41; SegmentHeads r=0.15 F=2
    // EM 71.9%, KL 3.35 (V11 and later put linking sentences mid-document, so document heads no longer hold them).
    private const double MinAloneFullExactMatch = 0.9;
    private const double MinAloneNaiveLoss = 0.25;
    private const double MinAloneNaiveKl = 3.5;
    private const double MaxAlonePolicyKl = 0.2;

    // CompanyAboveFounder (two hops), 32 questions, merged, each cached alone (the last test): FullPrefill EM 100%; naive EM
    // 71.9%, KL 2.40; the default policy EM 100%, KL 0.00006; KvDeviation EM 75.0%, KL 1.82; SegmentHeads EM 81.3%, KL 1.88.
    private const double MinTwoHopFullExactMatch = 0.95;
    private const double MinTwoHopNaiveLoss = 0.2;
    private const double MinTwoHopNaiveKl = 1.8;
    private const double MaxTwoHopPolicyKl = 0.001;

    // World V15 (only questions that need another document, among the most candidates), 32 questions, merged, each cached
    // alone, r = 0.15, F = 2 (the fifth test; the first 32 of docs/results/quality-v15-400.md; 2026-11-29): FullPrefill EM
    // 96.9%; naive EM 53.1%, KL 4.65; the default policy (m = 2) EM 93.8%, KL 0.0628; KvDeviation (m = 2) EM 56.3%, KL 4.16;
    // SegmentHeads EM 53.1%, KL 4.45. The naive loss threshold is issue 8's goal itself (43.8 points measured).
    private const double MinCrossFullExactMatch = 0.9;
    private const double MinCrossNaiveLoss = 0.3;
    private const double MinCrossNaiveKl = 4.0;
    private const double MaxCrossPolicyKl = 0.08;

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

        // Naive reuse (KV cached after other neighbours) moves the answer distribution; on this model Sparse-Q ranked at
        // F − 1 moves it back no more than recomputing document heads does (hardly at all), and ranking at the calibrated
        // layer almost all of it.
        Assert.InRange(naive.FirstTokenKl, MinNaiveKl, MaxNaiveKl);
        Assert.True(sparseQ.FirstTokenKl <= MaxLastFullKl && lastFull.FirstTokenKl <= MaxLastFullKl, measured);
        Assert.True(sparseQ.OracleRecall >= MinSparseQOracleRecall, measured);
        Assert.True(policy.ExactMatch >= MinDefaultPolicyExactMatch, measured);
        Assert.True(policy.FirstTokenKl <= MaxDefaultPolicyKl, measured);
        Assert.True(policy.FirstTokenKl < lastFull.FirstTokenKl && policy.FirstTokenKl < naive.FirstTokenKl && policy.FirstTokenKl < heads.FirstTokenKl, measured);
        Assert.True(policy.OracleRecall >= MinDefaultPolicyOracleRecall, measured);
        Assert.True(naive.ReusedTokens > 0 && sparseQ.RecomputedTokens > 0 && policy.RecomputedTokens > sparseQ.RecomputedTokens, measured);
    }

    /// <summary>
    /// The kind whose answer sits in another document's KV ("The X was launched by the company above ."): the first 32
    /// held-out CompanyAbove questions (<c>sparsex quality --kinds CompanyAbove --questions 32 --modes FullPrefill,Reuse
    /// --selectors None,SparseQ --budgets 0.15 --full-layers 1,2 --boundary-tokens 2</c>, and the same with
    /// <c>--modes Reuse --selectors SparseQ --full-layers 2 --selection-layer last-full</c>). Measured on the committed model (T12,
    /// 2026-11-28): see the constants above.
    /// </summary>
    [Fact]
    public void CompanyAboveSeparatesNaiveReuseFromTheDefaultPolicy()
    {
        var (results, measured) = Run(
        [
            new(ReuseMode.FullPrefill),
            new(ReuseMode.Reuse, SelectorKind.None, 0, 1),
            new(ReuseMode.Reuse, SelectorKind.SparseQ, 0.15, 2, BoundaryTokens: 2, SelectionLayer: 1),
            new(ReuseMode.Reuse, SelectorKind.SparseQ, 0.15, 2, BoundaryTokens: 2),
        ], QuestionKind.CompanyAbove, mergedAndAlone: false);
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
    public void CompanyAboveCachedAloneSeparatesNaiveReuseFromTheDefaultPolicy() =>
        // Cached with no document before it, "the company above" resolved to nothing: naive reuse loses answers and its
        // first-token distribution moves far; the default policy recovers them, KvDeviation and SegmentHeads at the same
        // budget hardly.
        AssertCachedAloneSeparates(QuestionKind.CompanyAbove, MinAloneFullExactMatch, MinAloneNaiveLoss, MinAloneNaiveKl, MaxAlonePolicyKl);

    /// <summary>
    /// Two hops (world V12): "Who founded the company that launched the X ?", answered from the founder named in the
    /// introduction of the company before X's launching document. The first 32 held-out CompanyAboveFounder questions,
    /// merged and each cached alone (<c>sparsex quality --kinds CompanyAboveFounder --questions 32 --merged --isolated --modes
    /// FullPrefill,Reuse --selectors None,SparseQ,SegmentHeads,KvDeviation --budgets 0.15 --full-layers 1,2 --boundary-tokens
    /// 2</c>). Measured on the committed model: see the constants above.
    /// </summary>
    [Fact]
    public void TwoHopQuestionsCachedAloneSeparateNaiveReuseFromTheDefaultPolicy() =>
        // The link resolved inside the launching document is what the second hop reads; cached alone, that document
        // resolved it to nothing.
        AssertCachedAloneSeparates(QuestionKind.CompanyAboveFounder, MinTwoHopFullExactMatch, MinTwoHopNaiveLoss, MinTwoHopNaiveKl, MaxTwoHopPolicyKl);

    /// <summary>
    /// Issue 8's goal on the world built to test it (V15: a third each CompanyAbove, CompanyAboveFounder and PersonAbove,
    /// five companies, four engineers when a person is asked; V12's sentences, which the committed V12 model knows): the
    /// first 32 held-out questions, merged and each cached alone (<c>sparsex quality --world 15 --questions 32 --merged
    /// --isolated --modes FullPrefill,Reuse --selectors None,SparseQ,KvDeviation,SegmentHeads --budgets 0.15 --full-layers 2
    /// --boundary-tokens 2</c>, and SegmentHeads with m = 0). Naive reuse must lose at least 30 points of full prefill's
    /// exact match; the default policy stay within 5 points and beat KvDeviation and SegmentHeads at its budget.
    /// </summary>
    [Fact]
    public void CrossSegmentWorldLosesThirtyPointsToNaiveReuseAndTheDefaultPolicyRecoversThem()
    {
        const int questions = 32;
        QualityConfiguration[] grid =
        [
            new(ReuseMode.FullPrefill),
            new(ReuseMode.Reuse, SelectorKind.None, 0, 2),
            new(ReuseMode.Reuse, SelectorKind.SparseQ, 0.15, 2, BoundaryTokens: 2),
            new(ReuseMode.Reuse, SelectorKind.KvDeviation, 0.15, 2, BoundaryTokens: 2),
            new(ReuseMode.Reuse, SelectorKind.SegmentHeads, 0.15, 2),
        ];
        var options = new QualityOptions(Seed, questions, grid, World: WorldVersion.V15, Merged: true, Isolated: true);
        IReadOnlyList<QualityResult> results = demo.Benchmark().Run(options);
        string measured = string.Join("; ", results.Select(r => $"{r.Name}: EM {r.ExactMatch:0.000}, KL {r.FirstTokenKl:0.00000}"));
        QualityResult full = results[0], naive = results[1], policy = results[2], deviation = results[3], heads = results[4];
        Assert.All(results, r => Assert.Equal(questions, r.Questions));
        Assert.Equal(["CompanyAbove", "CompanyAboveFounder", "PersonAbove"], full.QuestionsByKind.Keys.Order(StringComparer.Ordinal));
        Assert.True(full.ExactMatch >= MinCrossFullExactMatch, measured);
        Assert.True(full.ExactMatch - naive.ExactMatch >= MinCrossNaiveLoss, measured);
        Assert.True(naive.FirstTokenKl >= MinCrossNaiveKl, measured);
        Assert.True(policy.ExactMatch >= full.ExactMatch - 0.05, measured);
        Assert.True(policy.FirstTokenKl <= MaxCrossPolicyKl, measured);
        AssertBeats(policy, deviation, measured);
        AssertBeats(policy, heads, measured);
    }

    /// <summary>
    /// Runs FullPrefill, naive reuse (F = 1), the default policy and KvDeviation / SegmentHeads at its budget on the first 32
    /// held-out questions of <paramref name="kind"/>, merged and each cached alone, and checks that full prefill answers,
    /// naive reuse loses at least <paramref name="minNaiveLoss"/> with a first-token KL of at least
    /// <paramref name="minNaiveKl"/>, and the default policy stays within 5 points of full prefill with a KL of at most
    /// <paramref name="maxPolicyKl"/>, beating both baselines.
    /// </summary>
    private void AssertCachedAloneSeparates(QuestionKind kind, double minFullExactMatch, double minNaiveLoss, double minNaiveKl, double maxPolicyKl)
    {
        var (results, measured) = Run(
        [
            new(ReuseMode.FullPrefill),
            new(ReuseMode.Reuse, SelectorKind.None, 0, 1),
            new(ReuseMode.Reuse, SelectorKind.SparseQ, 0.15, 2, BoundaryTokens: 2),
            new(ReuseMode.Reuse, SelectorKind.KvDeviation, 0.15, 2, BoundaryTokens: 2),
            new(ReuseMode.Reuse, SelectorKind.SegmentHeads, 0.15, 2),
        ], kind, mergedAndAlone: true);
        QualityResult full = results[0], naive = results[1], policy = results[2], deviation = results[3], heads = results[4];
        Assert.True(full.ExactMatch >= minFullExactMatch, measured);
        Assert.True(full.ExactMatch - naive.ExactMatch >= minNaiveLoss, measured);
        Assert.True(naive.FirstTokenKl >= minNaiveKl, measured);
        Assert.True(policy.ExactMatch >= full.ExactMatch - 0.05 && policy.ExactMatch > naive.ExactMatch, measured);
        Assert.True(policy.FirstTokenKl <= maxPolicyKl, measured);
        AssertBeats(policy, deviation, measured);
        AssertBeats(policy, heads, measured);
    }

    /// <summary>The default policy is more accurate than <paramref name="baseline"/> at the same budget, and closer to full
    /// prefill in first-token KL.</summary>
    private static void AssertBeats(QualityResult policy, QualityResult baseline, string measured) =>
        Assert.True(policy.ExactMatch > baseline.ExactMatch && policy.FirstTokenKl < baseline.FirstTokenKl, measured);

    /// <summary>Runs <paramref name="grid"/> on the first 32 held-out questions of <paramref name="kind"/> (merged and each
    /// cached alone, or the default format), checks every configuration saw all of them, and describes what was measured.</summary>
    private (IReadOnlyList<QualityResult> Results, string Measured) Run(QualityConfiguration[] grid, QuestionKind kind, bool mergedAndAlone)
    {
        const int questions = 32;
        var options = new QualityOptions(Seed, questions, grid, World: demo.World, Kinds: [kind], Merged: mergedAndAlone, Isolated: mergedAndAlone);
        IReadOnlyList<QualityResult> results = demo.Benchmark().Run(options);
        Assert.All(results, r => Assert.Equal(questions, r.QuestionsByKind[kind.ToString()]));
        return (results, string.Join("; ", results.Select(r => $"{r.Name}: EM {r.ExactMatch:0.000}, KL {r.FirstTokenKl:0.00000}")));
    }
}
