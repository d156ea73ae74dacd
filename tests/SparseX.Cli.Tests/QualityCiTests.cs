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

    // Measured on the committed model (P5, V5 world; 2026-11-27, CPU fp32, 24 questions): FullPrefill EM 66.7%;
    // naive (None, F=1) EM 70.8% KL 1.237; SparseQ r=0.15 F=2 m=0 EM 58.3% KL 1.194 oracle recall 0.15; SparseQ
    // r=0.15 F=2 m=2 (the default policy) EM 50.0% KL 0.387 recall 0.22; SegmentHeads r=0.15 F=2 EM 75.0% KL 0.0167
    // recall 0.40. On these 24 questions naive reuse loses no answer (it does on the CompanyAbove set below), but it
    // moves the first-token distribution far, and recomputing tokens moves it back; the default policy loses answers
    // here (docs/quality.md: 67% vs 74% on 100 questions). The thresholds sit a little under (EM, recall) or over (KL)
    // those values; raise them when a better model replaces models/sparsex-demo.
    private const double MinFullPrefillExactMatch = 0.6;
    private const double MinNaiveKl = 1.1;
    private const double MaxNaiveKl = 1.4;
    private const double MaxSparseQKl = 1.3;
    private const double MinSparseQOracleRecall = 0.13;
    private const double MinDefaultPolicyExactMatch = 0.45;
    private const double MaxDefaultPolicyKl = 0.45;
    private const double MinDefaultPolicyOracleRecall = 0.19;
    private const double MaxSegmentHeadsKl = 0.03;

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
    /// --selectors None,SparseQ --budgets 0.15 --full-layers 1,2 --boundary-tokens 2</c>, and the same with
    /// <c>--modes Reuse --selectors SparseQ --full-layers 2 --selection-layer 3</c>). Measured on the committed model (P5,
    /// 2026-11-27): FullPrefill EM 56.3%; naive EM 34.4%, KL 2.41; default policy EM 43.8%, KL 0.679; the default
    /// policy with the look-ahead to layer 3 EM 50.0%, KL 0.0076.
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
            new(ReuseMode.Reuse, SelectorKind.SparseQ, 0.15, 2, BoundaryTokens: 2, SelectionLayer: 3),
        ];
        var results = demo.Benchmark().Run(new QualityOptions(Seed, questions, grid, World: demo.World, Kinds: [QuestionKind.CompanyAbove]));
        QualityResult full = results[0], naive = results[1], policy = results[2], lookAhead = results[3];
        string measured = string.Join("; ", results.Select(r => $"{r.Name}: EM {r.ExactMatch:0.000}, KL {r.FirstTokenKl:0.00000}"));

        Assert.All(results, r => Assert.Equal(questions, r.QuestionsByKind[nameof(QuestionKind.CompanyAbove)]));
        Assert.True(full.ExactMatch >= 0.50, measured);

        // Cached after the wrong neighbour, "the company above" names the wrong company: naive reuse loses answers and
        // its first-token distribution moves far; the default policy recovers part of the answers and most of the KL,
        // the look-ahead to layer 3 (the probe layer that ranks well on this model) nearly all of both.
        Assert.True(full.ExactMatch - naive.ExactMatch >= 0.15, measured);
        Assert.True(naive.FirstTokenKl >= 1.5, measured);
        Assert.True(policy.ExactMatch >= naive.ExactMatch + 0.05, measured);
        Assert.True(policy.FirstTokenKl <= 0.75 && policy.FirstTokenKl <= 0.35 * naive.FirstTokenKl, measured);
        Assert.True(lookAhead.ExactMatch >= full.ExactMatch - 0.1, measured);
        Assert.True(lookAhead.FirstTokenKl <= 0.02, measured);
    }
}
