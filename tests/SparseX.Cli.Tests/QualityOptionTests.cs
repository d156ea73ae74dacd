using SparseX.Cli.Quality;

namespace SparseX.Cli.Tests;

public class QualityOptionTests
{
    [Theory]
    [InlineData("--questions", "0")]
    [InlineData("--questions", "many")]
    [InlineData("--seed", "1.5")]
    [InlineData("--budgets", "0.1,1.5")]
    [InlineData("--budgets", "0.1,x")]
    [InlineData("--budgets", ",")]
    [InlineData("--selectors", "SparseQ,Oracle")]
    [InlineData("--selectors", "3")]
    [InlineData("--modes", "FullPrefill,Sparse")]
    [InlineData("--full-layers", "0")]
    [InlineData("--full-layers", "1,two")]
    [InlineData("--max-new-tokens", "0")]
    [InlineData("--threads", "-1")]
    [InlineData("--boundary-tokens", "-1")]
    [InlineData("--kinds", "CompanyAbove,Sideways")]
    [InlineData("--kinds", "1")]
    [InlineData("--world", "0")]
    [InlineData("--world", "V15")]
    [InlineData("--selection-layer", "-1")]
    [InlineData("--selection-layer", "lastfull")]
    [InlineData("--selection-layer", "2")] // below F − 1 = 3 for the default --full-layers 1,2,4
    public void BadValuesAreRejectedNamingTheOption(string option, string value)
    {
        var settings = With(option, value);
        FormatException e = Assert.Throws<FormatException>(() => QualityCommand.Parse(settings));
        Assert.StartsWith(option + ":", e.Message, StringComparison.Ordinal);
        Assert.False(settings.Validate().Successful);
        Assert.NotEqual(0, SparseXApp.Create().Run(["quality", option, value, "--model", "/nonexistent"]));
    }

    [Fact]
    public void AnUnknownOrUnavailableDeviceFailsBeforeLoadingTheModel()
    {
        // Every other option is valid, so without the device check these would run (and return 0).
        string json = Path.Combine(Path.GetTempPath(), "sparsex-device-check-" + Guid.NewGuid().ToString("N") + ".json");
        Assert.Equal(1, SparseXApp.Create().Run(["quality", "--model", FixturePaths.DemoModel, "--device", "tpu", "--questions", "1", "--modes", "FullPrefill", "--json", json]));
        Assert.False(File.Exists(json));

        // CI has no CUDA libtorch: refused as unavailable.
        Assert.Equal(1, SparseXApp.Create().Run(["calibrate", "--model", FixturePaths.DemoModel, "--device", "cuda", "--questions", "1", "--dry-run"]));
    }

    [Fact]
    public void DefaultsAreTheFullGrid()
    {
        QualityCommand.Parsed p = QualityCommand.Parse(new QualityCommand.Settings());
        Assert.Equal([0.05, 0.1, 0.15, 0.2, 0.3], p.Budgets);
        Assert.Equal([1, 2, 4], p.FullLayers);
        Assert.Equal(6, p.Selectors.Length);
        Assert.Equal(3, p.Modes.Length);
        var grid = Quality.QualityConfiguration.Grid(p.Modes, p.Selectors, p.Budgets, p.FullLayers);
        Assert.Equal(2 + 3 + (5 * 5 * 3), grid.Count); // FullPrefill, PrefixOnly, None per F, five selectors × r × F
        Assert.Equal(grid.Count, grid.Select(c => c.Name).Distinct().Count());
        Assert.Equal([0], p.BoundaryTokens);
        Assert.Null(p.Kinds);
    }

    [Fact]
    public void KindsAreParsedCaseInsensitivelyWithoutRepeats()
    {
        QualityCommand.Parsed p = QualityCommand.Parse(With("--kinds", "companyabove, PersonAbove,CompanyAbove"));
        Assert.Equal([World.QuestionKind.CompanyAbove, World.QuestionKind.PersonAbove], p.Kinds);
    }

    [Fact]
    public void BoundaryTokensMultiplyOnlyTheRankingSelectors()
    {
        var grid = Quality.QualityConfiguration.Grid(
            [Engine.Reuse.ReuseMode.Reuse], Enum.GetValues<Engine.Reuse.SelectorKind>(), [0.15], [2], [0, 2]);

        // None and SegmentHeads once; Random, KvDeviation, SparseQ, SparseQDeviation with m = 0 and m = 2.
        Assert.Equal(2 + (4 * 2), grid.Count);
        var sparseQ = grid.Single(c => c.Selector == Engine.Reuse.SelectorKind.SparseQ && c.BoundaryTokens == 2);
        Assert.Equal("SparseQ r=0.15 F=2 m=2", sparseQ.Name);
        Assert.Equal(2, sparseQ.ToPolicy().BoundaryTokens);
    }

    [Fact]
    public void ASelectionLayerAppliesToTheSparseQSelectorsOnly()
    {
        QualityCommand.Parsed p = QualityCommand.Parse(new QualityCommand.Settings { FullLayers = "2", SelectionLayer = "3" });
        Assert.Equal(3, p.SelectionLayer);
        var grid = Quality.QualityConfiguration.Grid([Engine.Reuse.ReuseMode.Reuse], Enum.GetValues<Engine.Reuse.SelectorKind>(), [0.15], p.FullLayers, [2], p.SelectionLayer);
        Assert.All(grid, c => Assert.Equal(c.Selector is Engine.Reuse.SelectorKind.SparseQ or Engine.Reuse.SelectorKind.SparseQDeviation ? 3 : null, c.SelectionLayer));
        var sparseQ = grid.Single(c => c.Selector == Engine.Reuse.SelectorKind.SparseQ);
        Assert.Equal("SparseQ r=0.15 F=2 m=2 sel=3", sparseQ.Name);
        Assert.Equal(3, sparseQ.ToPolicy().SelectionLayer);
        Assert.Null(QualityCommand.Parse(new QualityCommand.Settings()).SelectionLayer);
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("calibrated", false)]
    [InlineData("Last-Full", true)]
    public void TheSelectionLayerCanFollowTheCalibrationOrIgnoreIt(string? value, bool ignore)
    {
        QualityCommand.Parsed p = QualityCommand.Parse(new QualityCommand.Settings { SelectionLayer = value });
        Assert.Null(p.SelectionLayer);
        Assert.Equal(ignore, p.IgnoreCalibration);
    }

    [Fact]
    public void UnknownOptionsAndArgumentsFail()
    {
        Assert.Equal(1, SparseXApp.Create().Run(["quality", "--bogus", "3"]));
        Assert.NotEqual(0, SparseXApp.Create().Run(["quality", "extra"]));
        Assert.Equal(1, SparseXApp.Create().Run(["quality", "--model", "/nonexistent/model"]));
    }

    private static QualityCommand.Settings With(string option, string value) => option switch
    {
        "--questions" => new() { Questions = value },
        "--seed" => new() { Seed = value },
        "--budgets" => new() { Budgets = value },
        "--selectors" => new() { Selectors = value },
        "--modes" => new() { Modes = value },
        "--full-layers" => new() { FullLayers = value },
        "--max-new-tokens" => new() { MaxNewTokens = value },
        "--threads" => new() { Threads = value },
        "--boundary-tokens" => new() { BoundaryTokens = value },
        "--kinds" => new() { Kinds = value },
        "--world" => new() { World = value },
        "--selection-layer" => new() { SelectionLayer = value },
        _ => throw new ArgumentException(option),
    };

    [Fact]
    public void ReplotRedrawsTheCommittedResultsWithoutRunning()
    {
        string dir = Path.Combine(Path.GetTempPath(), "sparsex-replot-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var root = new DirectoryInfo(AppContext.BaseDirectory);
            while (!File.Exists(Path.Combine(root.FullName, "SparseX.sln")))
            {
                root = root.Parent ?? throw new DirectoryNotFoundException("SparseX.sln not found above the test binaries.");
            }

            string committed = Path.Combine(root.FullName, "docs", "results", "quality-sparsex-demo");
            File.Copy(committed + ".json", Path.Combine(dir, "q.json"));
            File.Copy(committed + ".meta.json", Path.Combine(dir, "q.meta.json"));
            Assert.Equal(0, SparseXApp.Create().Run(["quality", "--json", Path.Combine(dir, "q.json"), "--replot"]));
            Assert.True(new FileInfo(Path.Combine(dir, "q.png")).Length > 10_000);
            Assert.Equal(1, SparseXApp.Create().Run(["quality", "--json", Path.Combine(dir, "missing.json"), "--replot"]));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void TheTablesHaveAColumnPerAskedKindOnlyAndTheDifferenceFromFullPrefill()
    {
        static QualityResult Row(string name, double em, SparseX.Engine.Reuse.ReuseMode mode) => new(
            name, mode, null, null, null, 4, em, 0, null,
            new Dictionary<string, double> { ["CompanyAbove"] = em, ["CompanyChain"] = em },
            new Dictionary<string, int> { ["CompanyAbove"] = 2, ["CompanyChain"] = 2 },
            100, 0, 0, 0, 100, 1, 1, ExactMatchVsFull: em - 1, ExactMatchVsFullCi95: 0.5658);
        QualityResult[] rows = [Row("a", 1, SparseX.Engine.Reuse.ReuseMode.FullPrefill), Row("b", 0.5, SparseX.Engine.Reuse.ReuseMode.Reuse)];
        string md = QualityReport.Markdown(rows, "caption");
        string header = md.Split('\n')[2];
        Assert.Equal("| configuration | EM | Δ EM vs full (95%) | CompanyAbove | CompanyChain | KL (nats) | oracle recall | reused | recomputed | \\|R\\|/N |", header);
        Assert.Contains("| a | 100.0% | – | 100.0% (2) | 100.0% (2) | ", md, StringComparison.Ordinal);
        Assert.Contains("| b | 50.0% | −50.0 ± 56.6 | 50.0% (2) | 50.0% (2) | ", md, StringComparison.Ordinal);
        Assert.Equal(11, QualityReport.Table(rows, "t").Columns.Count); // configuration, EM, Δ, the two kinds, six metrics
    }

    [Fact]
    public void TheTallyPairsEachAnswerWithFullPrefills()
    {
        var tally = new QualityTally(new QualityConfiguration(SparseX.Engine.Reuse.ReuseMode.Reuse, SparseX.Engine.Reuse.SelectorKind.None, 0, 2));
        var report = new SparseX.Engine.Reuse.ReuseReport { TotalTokens = 10 };
        bool[] correct = [true, false, true, false], full = [true, true, true, true];
        for (int i = 0; i < 4; i++)
        {
            tally.Add(SparseX.World.QuestionKind.CompanyAbove, correct[i], full[i], 0, null, report, 0);
        }

        // Differences 0, −1, 0, −1: mean −0.5, sample standard deviation √(1/3), half-width 1.96 · √(1/3) / 2.
        QualityResult r = tally.ToResult();
        Assert.Equal(-0.5, r.ExactMatchVsFull);
        Assert.Equal(1.96 * Math.Sqrt(1.0 / 3) / 2, r.ExactMatchVsFullCi95!.Value, 12);
        var one = new QualityTally(tally.Configuration);
        one.Add(SparseX.World.QuestionKind.Direct, true, true, 0, null, report, 0);
        Assert.Equal(0, one.ToResult().ExactMatchVsFull);
        Assert.Null(one.ToResult().ExactMatchVsFullCi95);
    }
}
