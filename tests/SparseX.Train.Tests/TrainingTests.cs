using SparseX.Engine.Model;
using SparseX.Engine.Text;
using SparseX.World;
using SparseX.Train.Export;
using SparseX.Train.Training;
using static TorchSharp.torch;

namespace SparseX.Train.Tests;

public class TrainingTests(TrainedTokenizer fixture) : IClassFixture<TrainedTokenizer>
{
    private (Tensor Ids, Tensor Weights) Batch(int count, int context)
    {
        var tok = fixture.Tokenizer;
        var encoder = new SampleEncoder(tok);
        var gen = new CorpusGenerator(11, CorpusSplit.Train, t => tok.Encode(t).Length, context);
        // Short contexts hold the easy end of the curriculum (two or three companies, few fillers).
        double difficulty = context < 1024 ? 0 : 1;
        var samples = Enumerable.Range(0, count).Select(i => encoder.Encode(gen.Sample(i, difficulty))).ToList();
        var (ids, w, t) = EncodedSample.Pad(samples);
        return (tensor(ids, [count, t]), tensor(w, [count, t]));
    }

    [Fact]
    public void AFewStepsOnTheCpuReduceTheLoss()
    {
        using var scope = NewDisposeScope();
        using var model = LlamaTrainModel.Create(TrainModelConfig.Tiny(fixture.Tokenizer.VocabSize), CPU, seed: 1);
        using var opt = new AdamW(model.Parameters);
        var (ids, w) = Batch(4, 1024);
        var losses = new List<double>();
        for (int step = 0; step < 12; step++)
        {
            using var stepScope = NewDisposeScope();
            Tensor loss = Trainer.Loss(model.Forward(ids), ids, w);
            loss.backward();
            opt.Step(3e-3);
            losses.Add(loss.item<float>());
        }

        // A random model starts near ln(V); the loss falls well below it.
        Assert.InRange(losses[0], Math.Log(fixture.Tokenizer.VocabSize) - 1, Math.Log(fixture.Tokenizer.VocabSize) + 1);
        Assert.True(losses[^1] < losses[0] - 1.0, string.Join(", ", losses));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    public void BlockExpansionAddsLayersThatStartAsTheIdentity(int added)
    {
        using var scope = NewDisposeScope();
        using var model = LlamaTrainModel.Create(TrainModelConfig.Tiny(fixture.Tokenizer.VocabSize) with { NumLayers = 3 }, CPU, seed: 3);
        using var deeper = model.Expand(added);
        Assert.Equal(3 + added, deeper.Config.NumLayers);
        var (ids, _) = Batch(2, 300);
        using (no_grad())
        {
            Tensor before = model.Forward(ids), after = deeper.Forward(ids);
            Assert.True(after.sub(before).abs().max().item<float>() < 1e-5f);
        }

        // The new layers copy the layer before them with zeroed residual outputs, so they train (unlike an all-zero layer:
        // its attention would be uniform and its MLP gates zero).
        int fresh = 0;
        for (int l = 0; l < deeper.Config.NumLayers; l++)
        {
            Tensor o = deeper.Parameters[$"model.layers.{l}.self_attn.o_proj.weight"];
            if (o.abs().max().item<float>() == 0f)
            {
                fresh++;
                Assert.Equal(0f, deeper.Parameters[$"model.layers.{l}.mlp.down_proj.weight"].abs().max().item<float>());
                Assert.True(deeper.Parameters[$"model.layers.{l}.self_attn.q_proj.weight"].equal(deeper.Parameters[$"model.layers.{l - 1}.self_attn.q_proj.weight"]).all().item<bool>());
                Assert.True(deeper.Parameters[$"model.layers.{l}.self_attn.q_proj.weight"].requires_grad);
            }
        }

        Assert.Equal(added, fresh);
        Assert.Equal(0f, deeper.Parameters[$"model.layers.{deeper.Config.NumLayers - 1}.self_attn.o_proj.weight"].abs().max().item<float>());
        // The original model is unchanged and its parameters are not shared.
        Assert.NotEqual(0f, model.Parameters["model.layers.2.self_attn.o_proj.weight"].abs().max().item<float>());
        Assert.False(ReferenceEquals(model.Parameters["model.embed_tokens.weight"], deeper.Parameters["model.embed_tokens.weight"]));
    }

    [Fact]
    public void ExportLoadsInTheEngineWithTheTrainingModulesLogits()
    {
        using var scope = NewDisposeScope();
        string dir = Path.Combine(Path.GetTempPath(), "sparsex-export-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var model = LlamaTrainModel.Create(TrainModelConfig.Tiny(fixture.Tokenizer.VocabSize) with { NumHeads = 4, NumKvHeads = 2 }, CPU, seed: 2);
            HfExporter.Export(model, fixture.Directory, dir);

            // The export stores bf16: compare against the training module holding the same rounded weights.
            using var rounded = LlamaTrainModel.LoadExport(dir, CPU);
            var (ids, _) = Batch(1, 300);
            Tensor expected;
            using (no_grad())
            {
                expected = rounded.Forward(ids)[0];
            }

            string refs = Path.Combine(dir, "self-references.safetensors");
            SafetensorsWriter.Write(refs, [KeyValuePair.Create("chat.input_ids", ids[0]), KeyValuePair.Create("chat.logits", expected)]);
            using DecoderModel engine = DecoderModel.Load(dir);
            using ReferenceSet set = ReferenceSet.Open(refs);
            ReferenceComparison r = Assert.Single(ReferenceVerifier.Verify(engine, set));
            Assert.True(r.MaxLogitDiff < 1e-4, $"max |Δ logit| {r.MaxLogitDiff}");
            Assert.Equal("LlamaForCausalLM", engine.Config.Architecture);
            using var tok = HfTokenizer.FromDirectory(dir);
            Assert.Equal(fixture.Tokenizer.VocabSize, tok.VocabSize);
            Assert.Equal([tok.TokenToId(ChatMl.ImEnd)!.Value], engine.Config.EosTokenIds);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void ShapeOptionsOverrideThePresetAndReachTheExport()
    {
        string root = Path.Combine(Path.GetTempPath(), "sparsex-shape-" + Guid.NewGuid().ToString("N"));
        try
        {
            var options = new TrainOptions
            {
                RunDirectory = Path.Combine(root, "run"),
                ExportDirectory = Path.Combine(root, "export"),
                Preset = "tiny",
                Hidden = 96,
                Layers = 3,
                Heads = 3,
                KvHeads = 3,
                Mlp = 160,
                MaxSteps = 2,
                Batch = 2,
                EvalQuestions = 1,
                CheckpointSeconds = 3600,
                World = WorldVersion.V4,
                Hints = 0.5,
                MaxDifficulty = 0.5,
                Questions = 4,
                CopyShare = 0.25,
                RecallShare = 0.5,
                RecallTyped = true,
            };
            new Trainer(options, TextWriter.Null).Run();
            using DecoderModel engine = DecoderModel.Load(options.ExportDirectory);
            Assert.Equal((96, 3, 3, 3, 160), Shape(engine));

            // A shape whose heads do not divide the hidden size is refused, naming the shape.
            options.RunDirectory = Path.Combine(root, "run2");
            options.Hidden = 100;
            ArgumentException e = Assert.Throws<ArgumentException>(() => new Trainer(options, TextWriter.Null).Run());
            Assert.Contains("hidden 100", e.Message, StringComparison.Ordinal);
            options.Hidden = 96;
            options.KvHeads = 0;
            e = Assert.Throws<ArgumentException>(() => new Trainer(options, TextWriter.Null).Run());
            Assert.Contains("0 key/value heads", e.Message, StringComparison.Ordinal);
            options.KvHeads = 3;
            options.MaxDifficulty = 1.5;
            e = Assert.Throws<ArgumentException>(() => new Trainer(options, TextWriter.Null).Run());
            Assert.Contains("--difficulty", e.Message, StringComparison.Ordinal);
            options.MaxDifficulty = 0.5;
            options.RecallReverse = -0.1;
            e = Assert.Throws<ArgumentException>(() => new Trainer(options, TextWriter.Null).Run());
            Assert.Contains("--recall-reverse: -0.1 is outside [0, 1]", e.Message, StringComparison.Ordinal);

            // A context too short for the corpus ends the run with the generator's error (it used to wait forever for a batch).
            options.RecallReverse = 0.5;
            options.Context = 64;
            options.RunDirectory = Path.Combine(root, "run3");
            Exception tooShort = Assert.ThrowsAny<Exception>(() => new Trainer(options, TextWriter.Null).Run());
            Assert.Contains("token limit of 64", tooShort.Message, StringComparison.Ordinal);

            // Started from the export without a preset, a run keeps its shape; a shape option that contradicts it is refused.
            options.Context = 1024;
            options.InitDirectory = options.ExportDirectory;
            options.RunDirectory = Path.Combine(root, "run-init");
            options.ExportDirectory = Path.Combine(root, "export-init");
            options.Preset = null;
            options.Hidden = options.Layers = options.Heads = options.KvHeads = options.Mlp = null;
            new Trainer(options, TextWriter.Null).Run();
            using (DecoderModel continued = DecoderModel.Load(options.ExportDirectory))
            {
                Assert.Equal((96, 3, 3, 3, 160), Shape(continued));
            }

            options.RunDirectory = Path.Combine(root, "run-init2");
            options.Layers = 4;
            InvalidDataException mismatch = Assert.Throws<InvalidDataException>(() => new Trainer(options, TextWriter.Null).Run());
            Assert.Contains("differs from the shape options given", mismatch.Message, StringComparison.Ordinal);

            // Block expansion deepens the export by the layers asked for; without --init it is refused.
            options.Layers = null;
            options.ExpandLayers = 2;
            options.RunDirectory = Path.Combine(root, "run-expand");
            options.InitDirectory = options.ExportDirectory;
            options.ExportDirectory = Path.Combine(root, "export-expand");
            new Trainer(options, TextWriter.Null).Run();
            using (DecoderModel deeper = DecoderModel.Load(options.ExportDirectory))
            {
                Assert.Equal((96, 5, 3, 3, 160), Shape(deeper));
            }

            options.InitDirectory = Path.Combine(root, "export-init");
            options.RunDirectory = Path.Combine(root, "run-expand-mismatch");
            options.Layers = 4;
            mismatch = Assert.Throws<InvalidDataException>(() => new Trainer(options, TextWriter.Null).Run());
            Assert.Contains("with 2 layers added differs", mismatch.Message, StringComparison.Ordinal);

            options.Layers = null;
            options.InitDirectory = null;
            options.RunDirectory = Path.Combine(root, "run-expand2");
            e = Assert.Throws<ArgumentException>(() => new Trainer(options, TextWriter.Null).Run());
            Assert.Contains("--expand-layers", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }

    [Fact]
    public void SupervisedAccuracyCountsTheChosenRowsSupervisedTokens()
    {
        // Two rows of three tokens over a vocabulary of 4; the logits pick token 2 everywhere.
        using var scope = NewDisposeScope();
        Tensor logits = zeros(2, 3, 4);
        logits[.., .., 2] = tensor(1f);
        Tensor ids = tensor(new long[] { 0, 2, 1, 0, 2, 2 }, [2, 3]);
        Tensor w = tensor(new float[] { 0, 1, 1, 0, 1, 0.3f }, [2, 3]);
        Assert.Equal(0.5, Trainer.SupervisedAccuracy(logits, ids, w, tensor(new[] { true, false })));
        Assert.Equal(2 / 3.0, Trainer.SupervisedAccuracy(logits, ids, w, tensor(new[] { true, true })), 6);
        Assert.Equal(1.0, Trainer.SupervisedAccuracy(logits, ids, w, tensor(new[] { false, true })));
        Assert.True(double.IsNaN(Trainer.SupervisedAccuracy(logits, ids, w, tensor(new[] { false, false }))));
    }

    [Fact]
    public void ScheduleMinutesSpansResumedRuns()
    {
        var perRun = new TrainOptions { LearningRate = 1e-3, Warmup = 10, Minutes = 5, MaxSteps = int.MaxValue };
        var chained = new TrainOptions { LearningRate = 1e-3, Warmup = 10, Minutes = 5, MaxSteps = int.MaxValue, ScheduleMinutes = 15 };

        // Warm-up counts steps of all runs; after it, a run without a schedule starts again at the peak.
        Assert.Equal(1e-4, Trainer.LearningRate(perRun, 0, 0, 0), 12);
        Assert.Equal(1e-3, Trainer.LearningRate(perRun, 500, 300, 0), 12);
        Assert.Equal(1e-4, Trainer.LearningRate(perRun, 500, 0, 300), 12);

        // With a 15-minute schedule the second 5-minute run starts a third of the way down and the third ends at the floor.
        Assert.Equal(1e-3 * (0.1 + (0.45 * (1 + Math.Cos(Math.PI / 3)))), Trainer.LearningRate(chained, 500, 300, 0), 12);
        Assert.Equal(1e-4, Trainer.LearningRate(chained, 500, 600, 300), 12);
        Assert.True(Trainer.LearningRate(chained, 500, 300, 150) < Trainer.LearningRate(chained, 500, 300, 0));
    }

    private static (int Hidden, int Layers, int Heads, int KvHeads, int Mlp) Shape(DecoderModel model) =>
        (model.Config.HiddenSize, model.Config.NumLayers, model.Config.NumHeads, model.Config.NumKvHeads, model.Config.IntermediateSize);
}
