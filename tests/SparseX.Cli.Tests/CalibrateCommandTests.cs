using SparseX.Cli.Quality;
using SparseX.Engine.Model;
using SparseX.Engine.Reuse;

namespace SparseX.Cli.Tests;

/// <summary><c>sparsex calibrate</c>: its options, its choice of layer, and the file it writes beside the checkpoint.</summary>
public sealed class CalibrateCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sparsex-calibrate-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("--questions", "0")]
    [InlineData("--seed", "x")]
    [InlineData("--budget", "1.5")]
    [InlineData("--budget", "0.1,0.2")]
    [InlineData("--full-layers", "0")]
    [InlineData("--boundary-tokens", "-1")]
    [InlineData("--threads", "0")]
    [InlineData("--kinds", "Sideways")]
    [InlineData("--world", "99")]
    public void BadValuesAreRejectedNamingTheOption(string option, string value)
    {
        CalibrateCommand.Settings settings = option switch
        {
            "--questions" => new() { Questions = value },
            "--seed" => new() { Seed = value },
            "--budget" => new() { Budget = value },
            "--full-layers" => new() { FullLayers = value },
            "--boundary-tokens" => new() { BoundaryTokens = value },
            "--threads" => new() { Threads = value },
            "--kinds" => new() { Kinds = value },
            "--world" => new() { World = value },
            _ => throw new ArgumentException(option),
        };
        FormatException e = Assert.Throws<FormatException>(() => CalibrateCommand.Parse(settings));
        Assert.StartsWith(option + ":", e.Message, StringComparison.Ordinal);
        Assert.NotEqual(0, SparseXApp.Create().Run(["calibrate", option, value, "--model", "/nonexistent"]));
    }

    [Fact]
    public void AMissingModelAnUnknownOptionAndTooManyFullLayersFail()
    {
        Assert.Equal(1, SparseXApp.Create().Run(["calibrate", "--model", "/nonexistent/model"]));
        Assert.Equal(1, SparseXApp.Create().Run(["calibrate", "--bogus", "3"]));
        Assert.Equal(1, SparseXApp.Create().Run(["calibrate", "--model", FixturePaths.DemoModel, "--full-layers", "99", "--dry-run"]));
    }

    [Fact]
    public void TheGridRanksAtEveryLayerFromFMinusOne()
    {
        IReadOnlyList<QualityConfiguration> grid = SelectionLayerCalibration.Grid(numLayers: 6, budget: 0.15, fullLayers: 2, boundaryTokens: 2);
        Assert.Equal(ReuseMode.FullPrefill, grid[0].Mode);
        Assert.Equal([1, 2, 3, 4, 5], grid.Skip(1).Select(c => c.SelectionLayer!.Value));
        Assert.All(grid.Skip(1), c => Assert.Equal("SparseQ r=0.15 F=2 m=2 sel=" + c.SelectionLayer, c.Name));
        Assert.Throws<ArgumentOutOfRangeException>(() => SelectionLayerCalibration.Grid(6, 0.15, 7, 2));
    }

    [Fact]
    public void TheLowestKlWinsAndATieGoesToTheEarlierLayer()
    {
        QualityResult Row(int? layer, double kl) => new(
            "row", ReuseMode.Reuse, SelectorKind.SparseQ, 0.15, 2, 10, 0.5, kl, null, new Dictionary<string, double>(), new Dictionary<string, int>(), 0, 0, 0, 0, 0, 0, 0, 2, layer);

        ReuseCalibration c = SelectionLayerCalibration.Choose([Row(null, 0), Row(1, 0.5), Row(2, 0.2), Row(3, 0.05), Row(4, 0.3)], "cmd");
        Assert.Equal(3, c.SelectionLayer);
        Assert.Equal(4, c.FirstTokenKlByLayer.Count);
        Assert.Equal("cmd", c.Command);
        Assert.Equal(2, SelectionLayerCalibration.Choose([Row(3, 0.1), Row(2, 0.1)]).SelectionLayer);
        Assert.Throws<ArgumentException>(() => SelectionLayerCalibration.Choose([Row(null, 0)]));
    }

    /// <summary>On a copy of the demo model: measures every layer, writes the lowest-KL one, and the model then loads it.</summary>
    [Fact]
    [Trait("Category", "Slow")]
    public void CalibrateWritesTheLowestKlLayerBesideTheCheckpoint()
    {
        foreach (string file in Directory.GetFiles(FixturePaths.DemoModel))
        {
            if (Path.GetFileName(file) != ReuseCalibration.FileName)
            {
                File.Copy(file, Path.Combine(_dir, Path.GetFileName(file)));
            }
        }

        Assert.Equal(0, SparseXApp.Create().Run(["calibrate", "--model", _dir, "--questions", "3", "--dry-run"]));
        Assert.False(File.Exists(Path.Combine(_dir, ReuseCalibration.FileName)));

        Assert.Equal(0, SparseXApp.Create().Run(["calibrate", "--model", _dir, "--questions", "3", "--full-layers", "2"]));
        using DecoderModel model = DecoderModel.Load(_dir);
        ReuseCalibration calibration = model.ReuseCalibration!;
        Assert.Equal(Enumerable.Range(1, model.NumLayers - 1), calibration.FirstTokenKlByLayer.Keys.Order());
        Assert.Equal(calibration.FirstTokenKlByLayer.Values.Min(), calibration.FirstTokenKlByLayer[calibration.SelectionLayer]);
        Assert.Contains("\"questions\": 3", File.ReadAllText(Path.Combine(_dir, ReuseCalibration.FileName)));
    }
}
