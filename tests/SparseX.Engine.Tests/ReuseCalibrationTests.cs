using SparseX.Engine.Model;
using SparseX.Engine.Reuse;
using static TorchSharp.torch;

namespace SparseX.Engine.Tests;

/// <summary>A checkpoint's <c>sparsex_reuse.json</c>: read, validated, and used by requests that name no selection layer.</summary>
public sealed class ReuseCalibrationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sparsex-calibration-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void SaveThenLoadKeepsTheLayerAndItsEvidence()
    {
        var calibration = new ReuseCalibration { SelectionLayer = 3, FirstTokenKlByLayer = new Dictionary<int, double> { [1] = 0.46, [3] = 0.054 }, Command = "sparsex calibrate" };
        string path = calibration.Save(_dir, new Dictionary<string, object> { ["full_layers"] = 2, ["budget"] = 0.15 });

        Assert.Equal(Path.Combine(_dir, ReuseCalibration.FileName), path);
        ReuseCalibration loaded = ReuseCalibration.Load(_dir, numLayers: 6)!;
        Assert.Equal(3, loaded.SelectionLayer);
        Assert.Equal(0.054, loaded.FirstTokenKlByLayer[3]);
        Assert.Equal(0.46, loaded.FirstTokenKlByLayer[1]);
        Assert.Equal("sparsex calibrate", loaded.Command);
        Assert.Contains("\"full_layers\": 2", File.ReadAllText(path));
    }

    [Fact]
    public void ADirectoryWithoutTheFileHasNoCalibration() => Assert.Null(ReuseCalibration.Load(_dir, numLayers: 4));

    [Theory]
    [InlineData("{ not json", "is not valid JSON")]
    [InlineData("[3]", "is not a JSON object")]
    [InlineData("{\"first_token_kl\": {}}", "'selection_layer' must be an integer layer index")]
    [InlineData("{\"selection_layer\": \"3\"}", "'selection_layer' must be an integer layer index")]
    [InlineData("{\"selection_layer\": 4}", "selection_layer 4 is not a layer of this model (0 to 3)")]
    [InlineData("{\"selection_layer\": -1}", "selection_layer -1 is not a layer of this model (0 to 3)")]
    [InlineData("{\"selection_layer\": 2, \"first_token_kl\": {\"two\": 0.1}}", "'first_token_kl' must map layer indices to numbers (got \"two\")")]
    public void AMalformedFileIsRefusedNamingItAndTheProblem(string text, string problem)
    {
        File.WriteAllText(Path.Combine(_dir, ReuseCalibration.FileName), text);
        var ex = Assert.Throws<ModelLoadException>(() => ReuseCalibration.Load(_dir, numLayers: 4));
        Assert.Contains(ReuseCalibration.FileName, ex.Message);
        Assert.Contains(problem, ex.Message);
    }

    [Theory]
    [InlineData(null, null, 2, 1)]        // nothing named: F − 1 (DESIGN §4 step 3)
    [InlineData(null, 3, 2, 3)]           // the calibrated layer
    [InlineData(null, 3, 4, 3)]           // calibrated layer = F − 1
    [InlineData(null, 1, 4, 3)]           // calibrated layer below F − 1: F − 1
    [InlineData(2, 3, 2, 2)]              // the request's own layer wins
    public void TheRequestsLayerWinsThenTheCalibratedOneThenFMinusOne(int? requested, int? calibrated, int fullLayers, int expected)
    {
        var policy = new ReusePolicy { FullLayers = fullLayers, SelectionLayer = requested };
        ReuseCalibration? calibration = calibrated is int c ? new ReuseCalibration { SelectionLayer = c } : null;
        Assert.Equal(expected, policy.ResolveSelectionLayer(calibration));
    }

    [Fact]
    public void LoadingACheckpointReadsItsCalibrationAndRefusesABadOne()
    {
        string source = FixturePaths.LlamaGqa;
        foreach (string file in new[] { "config.json", "model.safetensors" })
        {
            File.Copy(Path.Combine(source, file), Path.Combine(_dir, file));
        }

        using (DecoderModel plain = DecoderModel.Load(_dir))
        {
            Assert.Null(plain.ReuseCalibration);
            Assert.Throws<ArgumentOutOfRangeException>(() => plain.ReuseCalibration = new ReuseCalibration { SelectionLayer = plain.NumLayers });
        }

        new ReuseCalibration { SelectionLayer = 2 }.Save(_dir);
        using (DecoderModel calibrated = DecoderModel.Load(_dir))
        {
            Assert.Equal(2, calibrated.ReuseCalibration!.SelectionLayer);
        }

        File.WriteAllText(Path.Combine(_dir, ReuseCalibration.FileName), "{\"selection_layer\": 9}");
        var ex = Assert.Throws<ModelLoadException>(() => DecoderModel.Load(_dir));
        Assert.Contains("selection_layer 9 is not a layer of this model (0 to 3)", ex.Message);
    }

    /// <summary>
    /// A request that names no selection layer ranks at the calibrated layer: the same recomputed tokens and logits as a
    /// request naming that layer, and its report says which layer ranked; without a calibration it ranks at F − 1 again.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void ARequestWithoutASelectionLayerRanksAtTheCalibratedLayer(int seed)
    {
        using DecoderModel model = DecoderModel.Load(FixturePaths.LlamaGqa);
        int last = model.NumLayers - 1;
        var unnamed = new ReusePolicy { Selector = SelectorKind.SparseQ, Budget = 0.3, FullLayers = 1, BoundaryTokens = 0 };

        model.ReuseCalibration = new ReuseCalibration { SelectionLayer = last };
        (Tensor logits, ReuseReport report) calibrated = Run(model, seed, unnamed);
        model.ReuseCalibration = null;
        (Tensor logits, ReuseReport report) named = Run(model, seed, unnamed with { SelectionLayer = last });
        (Tensor logits, ReuseReport report) lastFull = Run(model, seed, unnamed);

        Assert.True(calibrated.report.ReusedTokens > 0 && calibrated.report.RecomputedTokens > 0);
        Assert.Equal(last, calibrated.report.SelectionLayer);
        Assert.Equal(named.report.RecomputedPositions, calibrated.report.RecomputedPositions);
        Assert.True(calibrated.logits.allclose(named.logits, rtol: 0, atol: 1e-6));
        Assert.Equal(0, lastFull.report.SelectionLayer);
    }

    private static (Tensor Logits, ReuseReport Report) Run(DecoderModel model, int seed, ReusePolicy policy)
    {
        var scenario = ReuseScenario.Create(seed, model.Config.VocabSize);
        using var harness = new ReuseHarness(model, blockSize: 16, blocks: 512);
        using var scope = NewDisposeScope();
        harness.FirstLogits(harness.Layout(scenario.Earlier), new ReusePolicy { Mode = ReuseMode.FullPrefill }, out _);
        Tensor logits = harness.FirstLogits(harness.Layout(scenario.Query), policy, out ReuseReport report);
        return (logits.detach().clone().MoveToOuterDisposeScope(), report);
    }
}
