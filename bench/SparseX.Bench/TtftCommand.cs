using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using SparseX.Engine.Cache;
using SparseX.Engine.Model;
using SparseX.Engine.Reuse;
using SparseX.Engine.Runtime;
using Spectre.Console;
using Spectre.Console.Cli;
using TorchSharp;
using static TorchSharp.torch;

namespace SparseX.Bench;

/// <summary>
/// The TTFT benchmark of issue 6: a RAG-shaped request (system prompt + 8 retrieved documents + a
/// 128-token question) whose documents were cached by an earlier request in another order; every reuse
/// mode is timed on the same ids, same model, same run. Then batched decode throughput.
/// </summary>
internal sealed class TtftCommand : Command<TtftCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--device <DEVICE>")]
        public string Device { get; init; } = "cuda";

        [CommandOption("--shape <NAME>")]
        [Description("llama3-8b or qwen2.5-7b (random weights), or a checkpoint directory.")]
        public string Shape { get; init; } = "llama3-8b";

        [CommandOption("--dtype <DTYPE>")]
        public string Dtype { get; init; } = "bfloat16";

        [CommandOption("--tokens <LIST>")]
        public string Tokens { get; init; } = "4096,8192,16384,32768";

        [CommandOption("--runs <N>")]
        public int Runs { get; init; } = 5;

        [CommandOption("--warmup <N>")]
        public int Warmup { get; init; } = 1;

        [CommandOption("--decode-batches <LIST>")]
        public string DecodeBatches { get; init; } = "1,8,32";

        [CommandOption("--decode-steps <N>")]
        public int DecodeSteps { get; init; } = 64;

        [CommandOption("--quick")]
        [Description("Only FullPrefill, PrefixOnly, None and SparseQ r=0.15 F∈{1,2}.")]
        public bool Quick { get; init; }

        [CommandOption("--selection-layers <LIST>")]
        [Description("Extra rows: the default policy with the Sparse-Q look-ahead to each layer L (ReusePolicy.SelectionLayer; \"last\" = the model's last layer).")]
        public string? SelectionLayers { get; init; }

        [CommandOption("--out <FILE>")]
        public string Out { get; init; } = "sparsex-ttft.json";
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        TorchRuntime.Initialize();
        Device device = TorchRuntime.ParseDevice(settings.Device);
        ScalarType dtype = settings.Dtype switch { "float32" => ScalarType.Float32, "float16" => ScalarType.Float16, _ => ScalarType.BFloat16 };
        string deviceName = device.type == DeviceType.CUDA ? CudaName() : "cpu";
        AnsiConsole.MarkupLine($"[grey]device {Markup.Escape(deviceName)}, shape {settings.Shape}, {dtype}[/]");

        using DecoderModel model = Directory.Exists(settings.Shape)
            ? DecoderModel.Load(settings.Shape, dtype, device)
            : DecoderModel.CreateRandom(ModelShapes.ByName(settings.Shape), dtype, device, seed: 1);
        int[] tokenCounts = settings.Tokens.Split(',').Select(t => int.Parse(t, CultureInfo.InvariantCulture)).ToArray();
        var records = new List<ResultRecord>();
        string command = "sparsex-bench ttft " + string.Join(' ', Environment.GetCommandLineArgs().Skip(2));
        ResultRecord Base() => new() { Device = deviceName, ModelShape = settings.Shape, Dtype = dtype.ToString().ToLowerInvariant(), Command = command };

        // Built before anything is measured, so a bad --selection-layers stops the run at once.
        var modes = Modes(settings.Quick, model.NumLayers).Concat(LookAheadModes(settings.SelectionLayers, settings.Quick, model.NumLayers)).ToList();
        foreach (int n in tokenCounts)
        {
            var request = RagRequest.Create(n, model.Config.VocabSize, seed: n);
            long blocksNeeded = (3L * n / 16) + 64;
            using var harness = new ReuseHarness(model, blockSize: 16, blocks: (int)blocksNeeded, segmentBytes: model.KvBytesPerToken * (n + 1024));
            harness.FirstLogits(harness.Layout(request.Earlier), new ReusePolicy { Mode = ReuseMode.FullPrefill }, out _);

            foreach (var (mode, policy) in modes)
            {
                var runs = new List<double>();
                ReuseReport report = new();
                for (int run = 0; run < settings.Warmup + settings.Runs; run++)
                {
                    // Same cache state for every run: the system prompt is a prefix hit, the documents are in the store.
                    harness.ResetPrefixCache();
                    harness.FirstLogits(harness.Layout(new[] { PromptSpan.Plain(request.SystemPrompt) }), new ReusePolicy { Mode = ReuseMode.FullPrefill }, out _);
                    TorchRuntime.Synchronize(device);
                    var clock = Stopwatch.StartNew();
                    using Tensor logits = harness.FirstLogits(harness.Layout(request.Query), policy, out report);
                    double ms = clock.Elapsed.TotalMilliseconds;
                    if (run >= settings.Warmup)
                    {
                        runs.Add(ms);
                    }
                }

                double median = Median(runs);
                records.Add(Base() with
                {
                    Tokens = report.TotalTokens,
                    Mode = mode,
                    Selector = policy.Mode == ReuseMode.Reuse ? policy.Selector.ToString() : null,
                    Budget = policy.Mode == ReuseMode.Reuse ? policy.Budget : null,
                    FullLayers = policy.Mode == ReuseMode.Reuse ? policy.FullLayers : null,
                    SelectionLayer = policy.Mode == ReuseMode.Reuse ? policy.SelectionLayer : null,
                    TtftMs = median,
                    TtftMsRuns = runs.ToArray(),
                    PhasesMs = new Dictionary<string, double>
                    {
                        ["align"] = report.Align.TotalMilliseconds,
                        ["full_layers"] = report.FullLayersTime.TotalMilliseconds,
                        ["selection"] = report.Selection.TotalMilliseconds,
                        ["sparse_layers"] = report.SparseLayersTime.TotalMilliseconds,
                    },
                    PrefixHitTokens = report.PrefixHitTokens,
                    ReusedTokens = report.ReusedTokens,
                    RecomputedTokens = report.RecomputedTokens,
                    NewTokens = report.NewTokens,
                });
                AnsiConsole.MarkupLine($"N={report.TotalTokens,6} {Markup.Escape(mode),-28} TTFT {median,9:0.0} ms  (prefix {report.PrefixHitTokens}, reused {report.ReusedTokens}, recomputed {report.RecomputedTokens}, new {report.NewTokens})");
            }

            WriteResults(settings.Out, records);
        }

        foreach (int batch in settings.DecodeBatches.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(b => int.Parse(b, CultureInfo.InvariantCulture)))
        {
            double tps = DecodeThroughput(model, batch, promptTokens: 512, settings.DecodeSteps);
            records.Add(Base() with { Tokens = 512, Mode = "decode", Concurrency = batch, DecodeTokensPerSecond = tps });
            AnsiConsole.MarkupLine($"decode batch {batch,3}: {tps,9:0.0} tokens/s");
            WriteResults(settings.Out, records);
        }

        return 0;
    }

    // m = 0 except in the row named with m: the selectors on their own, as in the published results (measured before
    // m = 2 became the default); the default policy's row shows what the extra boundary tokens cost.
    private static IEnumerable<(string Name, ReusePolicy Policy)> Modes(bool quick, int layers)
    {
        yield return ("FullPrefill", new ReusePolicy { Mode = ReuseMode.FullPrefill });
        yield return ("PrefixOnly", new ReusePolicy { Mode = ReuseMode.PrefixOnly });
        yield return ("naive (None, F=1)", new ReusePolicy { Selector = SelectorKind.None, Budget = 0, FullLayers = 1, BoundaryTokens = 0 });
        if (!quick)
        {
            yield return ("SegmentHeads r=0.15 F=1", new ReusePolicy { Selector = SelectorKind.SegmentHeads, Budget = 0.15, FullLayers = 1, BoundaryTokens = 0 });
            yield return ("KvDeviation r=0.15 F=2", new ReusePolicy { Selector = SelectorKind.KvDeviation, Budget = 0.15, FullLayers = 2, BoundaryTokens = 0 });
            yield return DefaultMode;
        }

        foreach (int f in quick ? new[] { 1, 2 } : new[] { 1, 2, 4 })
        {
            foreach (double r in quick ? new[] { 0.15 } : new[] { 0.05, 0.15, 0.3 })
            {
                if (f <= layers)
                {
                    yield return ($"SparseQ r={r} F={f}", new ReusePolicy { Selector = SelectorKind.SparseQ, Budget = r, FullLayers = f, BoundaryTokens = 0 });
                }
            }
        }
    }

    private static (string Name, ReusePolicy Policy) DefaultMode => ($"{SparseQName(ReusePolicy.Default)} (default)", ReusePolicy.Default);

    private static string SparseQName(ReusePolicy policy) => $"SparseQ r={policy.Budget} F={policy.FullLayers} m={policy.BoundaryTokens}";

    // The default policy with its Sparse-Q probe moved to a later layer (the look-ahead's time counts as full layers),
    // after the default policy itself (already a row unless --quick).
    private static IEnumerable<(string Name, ReusePolicy Policy)> LookAheadModes(string? list, bool quick, int layers)
    {
        if (quick && !string.IsNullOrWhiteSpace(list))
        {
            yield return DefaultMode;
        }

        foreach (string item in (list ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int layer = item == "last" ? layers - 1
                : int.TryParse(item, NumberStyles.None, CultureInfo.InvariantCulture, out int l) ? l
                : throw new ArgumentException($"--selection-layers: '{item}' is neither a layer number nor 'last'.");
            ReusePolicy policy = ReusePolicy.Default with { SelectionLayer = layer };
            policy.Validate(layers);
            yield return ($"{SparseQName(policy)} sel={layer}", policy);
        }
    }

    /// <summary>Tokens/s of the engine's batched decode step with <paramref name="batch"/> sequences.</summary>
    private static double DecodeThroughput(DecoderModel model, int batch, int promptTokens, int steps)
    {
        using var scope = NewDisposeScope();
        int total = promptTokens + steps + 1;
        using KvBlockPool pool = model.CreatePool(((total / 16) + 2) * batch, 16);
        var random = new Random(batch);
        var sequences = new List<(BlockTable Table, List<int> Tokens)>();
        try
        {
            for (int b = 0; b < batch; b++)
            {
                var table = new BlockTable(pool);
                table.EnsureCapacity(total);
                var tokens = Enumerable.Range(0, promptTokens).Select(_ => random.Next(4, model.Config.VocabSize)).ToList();
                using (NewDisposeScope())
                {
                    Tensor h = DenseForward.Run(model, table, tokens, 0);
                    tokens.Add((int)model.Logits(h[^1..]).argmax(-1).item<long>());
                }

                sequences.Add((table, tokens));
            }

            void Step()
            {
                using var stepScope = NewDisposeScope();
                Tensor logits = DenseForward.DecodeBatch(model, sequences.Select(s => (s.Table, (IReadOnlyList<int>)s.Tokens)).ToArray());
                long[] next = logits.argmax(-1).cpu().data<long>().ToArray();
                for (int b = 0; b < batch; b++)
                {
                    sequences[b].Tokens.Add((int)next[b]);
                }
            }

            Step(); // warm-up
            TorchRuntime.Synchronize(model.Device);
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < steps - 1; i++)
            {
                Step();
            }

            return batch * (steps - 1) / clock.Elapsed.TotalSeconds;
        }
        finally
        {
            foreach (var (table, _) in sequences)
            {
                table.Dispose();
            }
        }
    }

    private static void WriteResults(string path, List<ResultRecord> records) =>
        File.WriteAllText(path, JsonSerializer.Serialize(records, new JsonSerializerOptions { WriteIndented = true, DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull }));

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string CudaName() => TorchRuntime.DeviceName ?? "cuda";
}
