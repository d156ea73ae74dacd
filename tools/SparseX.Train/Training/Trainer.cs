using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using SparseX.Engine.Model;
using SparseX.Engine.Runtime;
using SparseX.Engine.Text;
using SparseX.World;
using SparseX.Train.Export;
using SparseX.Train.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace SparseX.Train.Training;

/// <summary>
/// Trains the demo model: builds (or reuses) the tokenizer in the run directory, streams seeded conversations
/// (sample <c>i</c> of step <c>s</c> is corpus sample <c>s·batch + i</c> at the curriculum's difficulty for step <c>s</c>, so a resumed run sees the same data),
/// checkpoints parameters and optimizer state, evaluates exact match on held-out names and exports.
/// </summary>
public sealed class Trainer(TrainOptions options, TextWriter log)
{
    private const string CheckpointFile = "checkpoint.safetensors";
    private const string StateFile = "state.json";

    /// <summary>Runs training.</summary>
    /// <returns>The summary (also written to <c>train_log.json</c> in the run directory).</returns>
    public JsonObject Run()
    {
        TorchRuntime.Initialize();
        Device device = TorchRuntime.ParseDevice(options.Device);
        ScalarType compute = device.type == TorchSharp.DeviceType.CUDA ? ScalarType.BFloat16 : ScalarType.Float32;
        Directory.CreateDirectory(options.RunDirectory);
        string tokDir = Path.Combine(options.RunDirectory, "tokenizer");
        if (!File.Exists(Path.Combine(tokDir, "tokenizer.json")))
        {
            if (options.InitDirectory is { } init)
            {
                // Continue from an exported model: its token ids are the ones to keep.
                Directory.CreateDirectory(tokDir);
                File.Copy(Path.Combine(init, "tokenizer.json"), Path.Combine(tokDir, "tokenizer.json"));
                File.Copy(Path.Combine(init, "tokenizer_config.json"), Path.Combine(tokDir, "tokenizer_config.json"));
            }
            else
            {
                WordTokenizerBuilder.Write(tokDir);
            }
        }

        using var tok = HfTokenizer.FromDirectory(tokDir);
        WordLevelEncoder fast = WordLevelEncoder.Load(tokDir);
        var encoder = new SampleEncoder(fast.Encode, options.ContextWeight);
        int vocabTokens = tok.VocabSize;
        int[] querySuffix = RecallTask.ChatQuerySuffix(fast.Encode);
        int[][] pointers = PointerRecallTask.CorpusPointers(fast.Encode);
        int[] documentBoundary = PointerRecallTask.DocumentBoundary(fast.Encode);
        int vocab = ((vocabTokens + 63) / 64) * 64;
        // Without a preset, a run started from an export keeps the export's shape (the shape options still apply).
        string preset = options.Preset ?? (options.InitDirectory is null ? "demo" : "init");
        TrainModelConfig config = options.Preset switch
        {
            null when options.InitDirectory is { } from => TrainModelConfig.FromHfConfig(JsonNode.Parse(File.ReadAllText(Path.Combine(from, "config.json")))!.AsObject()),
            null or "demo" => TrainModelConfig.Demo(vocab),
            "tiny" => TrainModelConfig.Tiny(vocab),
            "small" => TrainModelConfig.Small(vocab),
            _ => throw new ArgumentException($"Unknown preset '{options.Preset}' (tiny, small, demo)."),
        };
        if (options.ExpandLayers != 0 && (options.ExpandLayers < 0 || options.InitDirectory is null))
        {
            throw new ArgumentException($"--expand-layers: {options.ExpandLayers} layers; it adds one or more layers to the export given with --init.");
        }

        config = config with
        {
            HiddenSize = options.Hidden ?? config.HiddenSize,
            // Without a preset the layers default to the export's plus the expansion's.
            NumLayers = options.Layers ?? (config.NumLayers + (options.Preset is null ? options.ExpandLayers : 0)),
            NumHeads = options.Heads ?? config.NumHeads,
            NumKvHeads = options.KvHeads ?? config.NumKvHeads,
            IntermediateSize = options.Mlp ?? config.IntermediateSize,
        };
        int[] sizes = [config.HiddenSize, config.NumLayers, config.NumHeads, config.NumKvHeads, config.IntermediateSize];
        if (sizes.Min() < 1 || config.HiddenSize % config.NumHeads != 0 || config.NumHeads % config.NumKvHeads != 0)
        {
            throw new ArgumentException($"Shape: hidden {config.HiddenSize}, {config.NumLayers} layers, {config.NumHeads} heads, {config.NumKvHeads} key/value heads, MLP {config.IntermediateSize}: every size must be ≥ 1, the hidden size must divide into the heads and the heads into the key/value heads.");
        }
        config = config with { MaxPositions = Math.Max(config.MaxPositions, options.Context) };
        foreach (var (name, share) in new[] { ("--difficulty", options.MaxDifficulty), ("--copy-share", options.CopyShare), ("--recall-share", options.RecallShare), ("--recall-reverse", options.RecallReverse), ("--recall-pointer", options.RecallPointer), ("--hints", options.Hints), ("--hint-asked", options.HintAsked), ("--merged-share", options.MergedShare) })
        {
            if (share is < 0 or > 1 || double.IsNaN(share))
            {
                throw new ArgumentException($"{name}: {share} is outside [0, 1].");
            }
        }

        string ckpt = Path.Combine(options.RunDirectory, CheckpointFile);
        LlamaTrainModel model;
        AdamW opt;
        long step = 0;
        double trainedSeconds = 0;
        if (File.Exists(ckpt))
        {
            using SafetensorsFile f = SafetensorsFile.Open(ckpt);
            model = LlamaTrainModel.Load(config, f, device);
            opt = new AdamW(model.Parameters);
            foreach (string name in model.Parameters.Keys)
            {
                using Tensor m = f.Read("adam.m." + name), v = f.Read("adam.v." + name);
                opt.M[name].copy_(m);
                opt.V[name].copy_(v);
            }

            JsonNode state = JsonNode.Parse(File.ReadAllText(Path.Combine(options.RunDirectory, StateFile)))!;
            step = (long)state["step"]!;
            trainedSeconds = (double)state["seconds"]!;
            opt.Steps = step;
            log.WriteLine($"resumed at step {step}");
        }
        else if (options.InitDirectory is { } init)
        {
            model = LlamaTrainModel.LoadExport(init, device);
            if (options.ExpandLayers > 0)
            {
                using LlamaTrainModel exported = model;
                model = exported.Expand(options.ExpandLayers);
            }

            if (model.Config with { MaxPositions = config.MaxPositions } != config with { MaxPositions = config.MaxPositions })
            {
                throw new InvalidDataException($"{init}: the exported model's shape{(options.ExpandLayers > 0 ? $" with {options.ExpandLayers} layers added" : "")} differs from {(options.Preset is null ? "the shape options given" : $"the '{options.Preset}' preset with the shape options given")}.");
            }

            opt = new AdamW(model.Parameters);
            log.WriteLine($"initialised from {init} (fresh optimizer state{(options.ExpandLayers > 0 ? $", {options.ExpandLayers} layers added by block expansion: {model.Config.NumLayers} layers" : "")})");
        }
        else
        {
            model = LlamaTrainModel.Create(config, device, options.Seed);
            opt = new AdamW(model.Parameters);
        }

        using var _m = model;
        using var _o = opt;
        log.WriteLine($"model: {model.ParameterCount / 1e6:F2}M parameters, vocab {config.VocabSize}, device {device}, compute {compute}");

        int Count(string text) => fast.Encode(text).Length;
        var trainGen = new CorpusGenerator(options.Seed, CorpusSplit.Train, Count, options.Context, version: options.World) { HintShare = options.Hints, HintAskedShare = options.HintAsked, MergedShare = options.MergedShare };
        var evalGen = new CorpusGenerator(options.Seed, CorpusSplit.HeldOut, Count, options.Context, version: options.World);
        var losses = new JsonArray();
        var sw = Stopwatch.StartNew();
        double budget = options.Minutes * 60;
        using var batches = new BlockingCollection<(long Step, long[] Ids, float[] W, int T, bool[] Recall)>(8);
        using var cts = new CancellationTokenSource();
        var producer = Task.Run(() =>
        {
            // A fault (a conversation that cannot fit --context) ends the batches; the consumer then rethrows it.
            try
            {
                for (long s = step; !cts.IsCancellationRequested; s++)
                {
                    var samples = new EncodedSample[options.Batch];
                    var recall = new bool[options.Batch];
                    double difficulty = Difficulty(s);
                    Parallel.For(0, options.Batch, i =>
                    {
                        // A share of rows are copy-task rows (an induction warm-up); the draw is per (step, row), so a
                        // resumed run sees the same data.
                        var rowRng = new Random(unchecked((int)((s * 1_000_003) + i)));
                        // The recall draw comes second and only when asked for, so runs without it see the same rows as before.
                        bool copy = rowRng.NextDouble() < options.CopyShare;
                        recall[i] = !copy && options.RecallShare > 0 && rowRng.NextDouble() < options.RecallShare;
                        bool pointer = recall[i] && options.RecallPointer > 0 && rowRng.NextDouble() < options.RecallPointer;
                        samples[i] = copy
                            ? CopyTask.Row(rowRng, 64, vocabTokens)
                            : pointer
                                ? PointerRecallTask.Row(rowRng, vocabTokens, pointers[rowRng.Next(pointers.Length)], documentBoundary, querySuffix)
                                : recall[i]
                                    ? RecallTask.MixedRow(rowRng, vocabTokens, querySuffix, options.RecallReverse, options.RecallTyped)
                                    : encoder.Encode(trainGen.Sample((s * options.Batch) + i, difficulty, options.Questions));
                    });
                    var (ids, w, t) = EncodedSample.Pad(samples);
                    try
                    {
                        batches.Add((s, ids, w, t, recall), cts.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                }
            }
            finally
            {
                batches.CompleteAdding();
            }
        });

        double lastCheckpoint = 0, emaLoss = double.NaN;
        long tokens = 0;
        while (step < options.MaxSteps && sw.Elapsed.TotalSeconds < budget)
        {
            if (!batches.TryTake(out var batch, Timeout.Infinite))
            {
                producer.GetAwaiter().GetResult();
                throw new InvalidOperationException("The batch producer stopped.");
            }

            var (s, idsArr, wArr, t, recallRows) = batch;
            using (var scope = NewDisposeScope())
            {
                double lr = LearningRate(options, step, trainedSeconds, sw.Elapsed.TotalSeconds);
                Tensor ids = tensor(idsArr, [options.Batch, t]).to(device);
                Tensor w = tensor(wArr, [options.Batch, t]).to(device);
                Tensor logits = model.Forward(ids, compute);
                Tensor loss = Loss(logits, ids, w);
                loss.backward();
                opt.Step(lr);
                step++;
                tokens += options.Batch * t;
                if (step % 25 == 0 || step == 1)
                {
                    double l = loss.item<float>();
                    emaLoss = double.IsNaN(emaLoss) ? l : (0.8 * emaLoss) + (0.2 * l);
                    // The recall rows' accuracy shows whether the look-up circuit has formed (it jumps when it does).
                    string recallAccuracy = "";
                    if (recallRows.Any(r => r))
                    {
                        using var noGrad = no_grad();
                        recallAccuracy = $" recall {SupervisedAccuracy(logits, ids, w, tensor(recallRows).to(device)):P0}";
                    }

                    log.WriteLine($"step {step} loss {l:F4}{recallAccuracy} lr {lr:E2} {tokens / sw.Elapsed.TotalSeconds:F0} tok/s {sw.Elapsed.TotalSeconds:F0}s");
                    losses.Add(new JsonObject { ["step"] = step, ["loss"] = Math.Round(l, 5), ["seconds"] = Math.Round(sw.Elapsed.TotalSeconds, 1) });
                }
            }

            if (sw.Elapsed.TotalSeconds - lastCheckpoint > options.CheckpointSeconds)
            {
                lastCheckpoint = sw.Elapsed.TotalSeconds;
                SaveCheckpoint(model, opt, step, trainedSeconds + sw.Elapsed.TotalSeconds);
                var quick = Evaluator.ExactMatch(model, encoder, Enumerable.Range(0, 128).Select(i => evalGen.Sample(i)).ToList(), compute);
                double d = Difficulty(step);
                var easy = d < 1 ? Evaluator.ExactMatch(model, encoder, Enumerable.Range(0, 128).Select(i => evalGen.Sample(i, d)).ToList(), compute).Accuracy : quick.Accuracy;
                log.WriteLine($"step {step}: held-out exact match {quick.Accuracy:P1} (128 questions; "
                    + string.Join(", ", quick.PerKind.OrderBy(k => k.Key).Select(k => $"{k.Key} {k.Value:P0}")) + $"); at difficulty {d:F2}: {easy:P1}");
            }
        }

        cts.Cancel();
        while (batches.TryTake(out _))
        {
        }

        producer.Wait();
        double seconds = sw.Elapsed.TotalSeconds;
        SaveCheckpoint(model, opt, step, trainedSeconds + seconds);

        // Export before the (slow, greedy) final evaluation, so that a device call that runs out of time still has the
        // trained model to send back; the evaluation's train_log.json is added to the export afterwards.
        string? export = options.ExportDirectory;
        if (export is not null)
        {
            HfExporter.Export(model, tokDir, export);
            WorldManifest.Write(export, options.World);
            WriteCheckPrompts(tok, evalGen, Path.Combine(options.RunDirectory, "check_prompts.json"));
            log.WriteLine($"exported to {export}");
        }

        var heldOut = Evaluator.ExactMatch(model, encoder, Enumerable.Range(0, options.EvalQuestions).Select(i => evalGen.Sample(i)).ToList(), compute);
        // Training names, evaluation's conversations: no hints (they would tell which facts are not asked).
        var trainNames = new CorpusGenerator(options.Seed, CorpusSplit.Train, Count, options.Context, version: options.World);
        var train = Evaluator.ExactMatch(model, encoder, Enumerable.Range(0, Math.Min(256, options.EvalQuestions)).Select(i => trainNames.Sample(10_000_000 + i)).ToList(), compute);
        log.WriteLine($"final: step {step}, held-out exact match {heldOut.Accuracy:P1} ({options.EvalQuestions} questions; "
            + PerKind(heldOut.PerKind) + $"), train-split {train.Accuracy:P1}");
        if (options.MergedShare > 0)
        {
            // A run that trains on merged documents is also measured on them (the line avoids the words the sweep ranks by).
            var mergedGen = new CorpusGenerator(options.Seed, CorpusSplit.HeldOut, Count, options.Context, version: options.World) { MergedShare = 1 };
            var merged = Evaluator.ExactMatch(model, encoder, Enumerable.Range(0, options.EvalQuestions).Select(i => mergedGen.Sample(i)).ToList(), compute);
            log.WriteLine($"final: merged documents, exact match {merged.Accuracy:P1} ({options.EvalQuestions} held-out questions; "
                + PerKind(merged.PerKind) + ")");
        }

        var summary = new JsonObject
        {
            ["device"] = device.ToString(),
            ["preset"] = preset,
            ["shape"] = $"hidden {config.HiddenSize}, layers {config.NumLayers}, heads {config.NumHeads}/{config.NumKvHeads}, mlp {config.IntermediateSize}",
            ["parameters"] = model.ParameterCount,
            ["expanded_layers"] = options.ExpandLayers,
            ["seed"] = options.Seed,
            ["steps"] = step,
            ["batch"] = options.Batch,
            ["context"] = options.Context,
            ["context_weight"] = options.ContextWeight,
            ["questions_per_conversation"] = options.Questions,
            ["world_version"] = (int)options.World,
            ["copy_share"] = options.CopyShare,
            ["recall_share"] = options.RecallShare,
            ["recall_reverse"] = options.RecallReverse,
            ["recall_typed"] = options.RecallTyped,
            ["recall_pointer"] = options.RecallPointer,
            ["curriculum_steps"] = options.CurriculumSteps,
            ["max_difficulty"] = options.MaxDifficulty,
            ["hints"] = options.Hints,
            ["hint_asked"] = options.HintAsked,
            ["merged_share"] = options.MergedShare,
            ["learning_rate"] = options.LearningRate,
            ["schedule_minutes"] = options.ScheduleMinutes,
            ["seconds_this_run"] = Math.Round(seconds, 1),
            ["seconds_total"] = Math.Round(trainedSeconds + seconds, 1),
            ["tokens_per_second"] = Math.Round(tokens / seconds),
            ["heldout_exact_match"] = Math.Round(heldOut.Accuracy, 4),
            ["heldout_questions"] = options.EvalQuestions,
            ["heldout_by_kind"] = new JsonObject(heldOut.PerKind.OrderBy(k => k.Key).Select(k => KeyValuePair.Create(k.Key.ToString(), (JsonNode?)Math.Round(k.Value, 4)))),
            ["train_exact_match"] = Math.Round(train.Accuracy, 4),
            ["losses"] = losses,
        };
        File.WriteAllText(Path.Combine(options.RunDirectory, "train_log.json"), summary.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        if (export is not null)
        {
            File.Copy(Path.Combine(options.RunDirectory, "train_log.json"), Path.Combine(export, "train_log.json"), overwrite: true);
        }

        return summary;
    }

    /// <summary>The learning rate: linear warm-up over the first <see cref="TrainOptions.Warmup"/> steps (counted over
    /// resumed runs too), then a cosine from the peak to a tenth of it over this run's <see cref="TrainOptions.Minutes"/>, or,
    /// with <see cref="TrainOptions.ScheduleMinutes"/>, over that many minutes of all runs of the run directory together
    /// (one schedule across chained device calls instead of a warm restart in each).</summary>
    /// <param name="options">The options.</param>
    /// <param name="step">Steps done (all runs).</param>
    /// <param name="earlierSeconds">Seconds trained by earlier runs of the run directory.</param>
    /// <param name="seconds">Seconds trained by this run.</param>
    /// <returns>The learning rate.</returns>
    public static double LearningRate(TrainOptions options, long step, double earlierSeconds, double seconds)
    {
        ArgumentNullException.ThrowIfNull(options);
        double time = options.ScheduleMinutes is double total ? (earlierSeconds + seconds) / (total * 60) : seconds / (options.Minutes * 60);
        double progress = Math.Clamp(Math.Max((double)step / options.MaxSteps, time), 0, 1);
        return options.LearningRate * Math.Min(1, (step + 1.0) / options.Warmup) * (0.1 + (0.45 * (1 + Math.Cos(Math.PI * progress))));
    }

    private double Difficulty(long step) => options.MaxDifficulty * (options.CurriculumSteps <= 0 ? 1 : Math.Min(1, (double)step / options.CurriculumSteps));

    /// <summary>The weighted next-token cross entropy.</summary>
    /// <param name="logits">Logits [B, T, V].</param>
    /// <param name="ids">Token ids [B, T].</param>
    /// <param name="weights">Weight of predicting each token [B, T] (position 0 unused).</param>
    /// <returns>The scalar loss.</returns>
    public static Tensor Loss(Tensor logits, Tensor ids, Tensor weights)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(weights);
        long v = logits.shape[^1];
        long t = ids.shape[1];
        Tensor pred = logits.narrow(1, 0, t - 1).reshape(-1, v);
        Tensor target = ids.narrow(1, 1, t - 1).reshape(-1);
        Tensor w = weights.narrow(1, 1, t - 1).reshape(-1);
        Tensor ce = nn.functional.cross_entropy(pred, target, reduction: nn.Reduction.None);
        return (ce * w).sum() / w.sum();
    }

    /// <summary>The share of the supervised tokens (weight 1) of some rows that the logits' greedy choice predicts.</summary>
    /// <param name="logits">Logits [B, T, V].</param>
    /// <param name="ids">Token ids [B, T].</param>
    /// <param name="weights">Weight of predicting each token [B, T] (position 0 unused).</param>
    /// <param name="rows">Which rows count [B] (bool).</param>
    /// <returns>The accuracy, NaN where those rows supervise nothing.</returns>
    public static double SupervisedAccuracy(Tensor logits, Tensor ids, Tensor weights, Tensor rows)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(rows);
        using var scope = NewDisposeScope();
        using Scalar one = 1f.ToScalar();
        long t = ids.shape[1];
        Tensor supervised = weights.narrow(1, 1, t - 1).eq(one).logical_and(rows.unsqueeze(1));
        Tensor right = logits.narrow(1, 0, t - 1).argmax(-1).eq(ids.narrow(1, 1, t - 1)).logical_and(supervised);
        long all = supervised.sum().item<long>();
        return all == 0 ? double.NaN : right.sum().item<long>() / (double)all;
    }

    /// <summary>Writes prompts for the transformers check (hf_check.py): a held-out question with its generation
    /// prompt (<c>chat</c>, with the expected answer) and the first 44 tokens of another (<c>short</c>).</summary>
    /// <summary>Exact match per question kind, as the final evaluation lines print it.</summary>
    private static string PerKind(Dictionary<QuestionKind, double> perKind) => string.Join(", ", perKind.OrderBy(k => k.Key).Select(k => $"{k.Key} {k.Value:P1}"));

    private static void WriteCheckPrompts(HfTokenizer tok, CorpusGenerator heldOut, string path)
    {
        Conversation chat = heldOut.Sample(0);
        string prompt = ChatMl.Render(chat.Messages.Take(chat.Messages.Count - 1), addGenerationPrompt: true);
        int[] other = tok.Encode(heldOut.Sample(1).Render());
        var json = new JsonObject
        {
            ["chat"] = new JsonObject { ["text"] = prompt, ["ids"] = new JsonArray(tok.Encode(prompt).Select(i => (JsonNode)i).ToArray()), ["answer"] = chat.Answer },
            ["short"] = new JsonObject { ["ids"] = new JsonArray(other.Take(44).Select(i => (JsonNode)i).ToArray()) },
        };
        File.WriteAllText(path, json.ToJsonString());
    }

    private void SaveCheckpoint(LlamaTrainModel model, AdamW opt, long step, double seconds)
    {
        string tmp = Path.Combine(options.RunDirectory, CheckpointFile + ".tmp");
        var tensors = model.Parameters.Select(kv => KeyValuePair.Create(kv.Key, kv.Value))
            .Concat(opt.M.Select(kv => KeyValuePair.Create("adam.m." + kv.Key, kv.Value)))
            .Concat(opt.V.Select(kv => KeyValuePair.Create("adam.v." + kv.Key, kv.Value)));
        SafetensorsWriter.Write(tmp, tensors);
        File.Move(tmp, Path.Combine(options.RunDirectory, CheckpointFile), overwrite: true);
        File.WriteAllText(Path.Combine(options.RunDirectory, StateFile), new JsonObject { ["step"] = step, ["seconds"] = seconds }.ToJsonString());
    }
}
