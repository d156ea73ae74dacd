using SparseX.Cli.Quality;
using SparseX.Engine.Reuse;

namespace SparseX.Cli.Tests;

/// <summary>
/// The CI subset of <c>sparsex quality</c> on the committed demo model. The thresholds are set a little under the
/// values measured on the committed model (seed 1, 24 questions); update them when
/// models/sparsex-demo is replaced: run <c>sparsex quality --model models/sparsex-demo --questions 24 --modes
/// FullPrefill,Reuse --selectors None,SparseQ --budgets 0.15 --full-layers 1,2</c> and take the FullPrefill,
/// "naive (None) F=1" and "SparseQ r=0.15 F=2" rows.
/// </summary>
[Trait("Category", "Slow")]
public class QualityCiTests(DemoModel demo) : IClassFixture<DemoModel>
{
    private const int Questions = 24;
    private const int Seed = 1;

    // Measured on the committed model (C2, 42.6% held-out EM in training's evaluation; 2026-11-27, CPU fp32, 24
    // questions): FullPrefill EM 25.0%, naive (None, F=1) EM 16.7% KL 0.0277, SparseQ r=0.15 F=2 EM 16.7% KL 0.0260
    // oracle recall 0.17. The thresholds sit a little under (EM, recall) or over (KL) those values; raise them when a
    // better model replaces models/sparsex-demo.
    private const double MinFullPrefillExactMatch = 0.20;
    private const double MinSparseQExactMatch = 0.12;
    private const double MaxSparseQKl = 0.035;
    private const double MaxNaiveKl = 0.035;
    private const double MinSparseQOracleRecall = 0.12;

    [Fact]
    public void DemoModelSubsetMeetsThresholds()
    {
        QualityConfiguration[] grid =
        [
            new(ReuseMode.FullPrefill),
            new(ReuseMode.Reuse, SelectorKind.None, 0, 1),
            new(ReuseMode.Reuse, SelectorKind.SparseQ, 0.15, 2),
        ];
        var results = demo.Benchmark().Run(new QualityOptions(Seed, Questions, grid));
        QualityResult full = results[0], naive = results[1], sparseQ = results[2];
        string measured = string.Join("; ", results.Select(r => $"{r.Name}: EM {r.ExactMatch:0.000}, KL {r.FirstTokenKl:0.00000}, recall {r.OracleRecall:0.000}"));

        Assert.All(results, r => Assert.Equal(Questions, r.Questions));
        Assert.True(full.ExactMatch >= MinFullPrefillExactMatch, measured);
        Assert.True(sparseQ.ExactMatch >= MinSparseQExactMatch, measured);
        Assert.True(sparseQ.FirstTokenKl <= MaxSparseQKl, measured);
        Assert.True(naive.FirstTokenKl <= MaxNaiveKl, measured);
        Assert.True(sparseQ.OracleRecall >= MinSparseQOracleRecall, measured);
        Assert.True(naive.ReusedTokens > 0 && sparseQ.RecomputedTokens > 0, measured);
    }
}
