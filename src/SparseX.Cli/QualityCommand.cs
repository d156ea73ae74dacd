using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using SparseX.Cli.Quality;
using SparseX.Engine.Model;
using SparseX.Engine.Reuse;
using SparseX.Engine.Text;
using SparseX.Engine.Text.Templates;
using SparseX.World;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SparseX.Cli;

/// <summary>
/// <c>sparsex quality --model &lt;dir&gt; [--seed n] [--questions n] [--modes ...] [--selectors ...] [--budgets ...]
/// [--full-layers ...] [--boundary-tokens ...] [--selection-layer L|calibrated|last-full] [--kinds ...] [--world N] [--json file] [--plot png] [--markdown file] [--replot]</c>: the cross-segment quality benchmark
/// (exact match, first-token KL and oracle recall on held-out questions of the synthetic world).
/// </summary>
internal sealed class QualityCommand : Command<QualityCommand.Settings>
{
    public sealed class Settings : HeldOutQuestionSettings
    {
        [CommandOption("--modes <LIST>")]
        [Description("Comma-separated modes: FullPrefill, PrefixOnly, Reuse (default all).")]
        public string Modes { get; init; } = "FullPrefill,PrefixOnly,Reuse";

        [CommandOption("--selectors <LIST>")]
        [Description("Comma-separated selectors for Reuse; None is naive reuse (default all).")]
        public string Selectors { get; init; } = string.Join(",", Enum.GetNames<SelectorKind>());

        [CommandOption("--budgets <LIST>")]
        [Description("Comma-separated budgets r in [[0, 1]] (default 0.05,0.1,0.15,0.2,0.3).")]
        public string Budgets { get; init; } = "0.05,0.1,0.15,0.2,0.3";

        [CommandOption("--full-layers <LIST>")]
        [Description("Comma-separated F ≥ 1, capped at the model's layer count (default 1,2,4).")]
        public string FullLayers { get; init; } = "1,2,4";

        [CommandOption("--boundary-tokens <LIST>")]
        [Description("Comma-separated m: first tokens of each moved segment always recomputed on top of ranking selectors (default 0).")]
        public string BoundaryTokens { get; init; } = "0";

        [CommandOption("--selection-layer <L>")]
        [Description("The layer whose attention ranks tokens for SparseQ and SparseQDeviation: a layer ≥ F − 1 for every F; 'calibrated' (default: the checkpoint's sparsex_reuse.json where it is ≥ F − 1, else F − 1); or 'last-full' (F − 1, ignoring sparsex_reuse.json).")]
        public string? SelectionLayer { get; init; }

        [CommandOption("--max-new-tokens <N>")]
        [Description("Longest greedy answer (default 8).")]
        public string MaxNewTokens { get; init; } = "8";

        [CommandOption("--json <FILE>")]
        [Description("JSON rows, one per configuration (default quality.json; metadata in quality.meta.json).")]
        public string Json { get; init; } = "quality.json";

        [CommandOption("--plot <PNG>")]
        [Description("Exact match vs budget, one panel per F (default: the JSON path with .png).")]
        public string? Plot { get; init; }

        [CommandOption("--replot")]
        [Description("Do not run: redraw the plot from the rows already in --json (with its .meta.json).")]
        public bool Replot { get; init; }

        [CommandOption("--markdown <FILE>")]
        [Description("Also write the table as Markdown.")]
        public string? Markdown { get; init; }

        [CommandOption("--answers <FILE>")]
        [Description("Also write every configuration's answer per question, with the warm-ups' document orders (JSON Lines).")]
        public string? Answers { get; init; }

        public override ValidationResult Validate()
        {
            try
            {
                _ = Parse(this);
                return ValidationResult.Success();
            }
            catch (FormatException e)
            {
                return ValidationResult.Error(e.Message);
            }
        }
    }

    /// <summary>The settings, parsed and checked; <see cref="FormatException"/> names the offending option.</summary>
    public sealed record Parsed(int Seed, int Questions, ReuseMode[] Modes, SelectorKind[] Selectors, double[] Budgets, int[] FullLayers, int MaxNewTokens, int? Threads, int[] BoundaryTokens, QuestionKind[]? Kinds, int? SelectionLayer = null, bool IgnoreCalibration = false);

    /// <summary>Parses the settings.</summary>
    /// <param name="settings">The raw settings.</param>
    /// <returns>The parsed settings.</returns>
    /// <exception cref="FormatException">A value is malformed or out of range; the message names the option.</exception>
    public static Parsed Parse(Settings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        int[] fullLayers = List("--full-layers", settings.FullLayers, s => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int f) && f >= 1 ? f : (int?)null, "an integer ≥ 1");
        bool lastFull = string.Equals(settings.SelectionLayer, "last-full", StringComparison.OrdinalIgnoreCase);
        int? selectionLayer = settings.SelectionLayer is null || lastFull || string.Equals(settings.SelectionLayer, "calibrated", StringComparison.OrdinalIgnoreCase)
            ? null
            : int.TryParse(settings.SelectionLayer, NumberStyles.Integer, CultureInfo.InvariantCulture, out int layer) && layer >= 0
                ? layer
                : throw new FormatException($"--selection-layer: '{settings.SelectionLayer}' is not a layer index ≥ 0, 'calibrated' or 'last-full'.");
        if (settings.World is not null)
        {
            _ = HeldOutQuestionSettings.ParseWorld(settings.World);
        }

        if (selectionLayer < fullLayers.Max() - 1)
        {
            throw new FormatException($"--selection-layer: {selectionLayer} is below F − 1 = {fullLayers.Max() - 1} (the largest --full-layers value, {fullLayers.Max()}, computes layers up to {fullLayers.Max() - 1} densely).");
        }

        return new Parsed(
            Int("--seed", settings.Seed, int.MinValue),
            Int("--questions", settings.Questions, 1),
            List("--modes", settings.Modes, s => Enum.TryParse(s, true, out ReuseMode m) && Enum.IsDefined(m) && !int.TryParse(s, out _) ? m : (ReuseMode?)null, $"one of {string.Join(", ", Enum.GetNames<ReuseMode>())}"),
            List("--selectors", settings.Selectors, s => Enum.TryParse(s, true, out SelectorKind k) && Enum.IsDefined(k) && !int.TryParse(s, out _) ? k : (SelectorKind?)null, $"one of {string.Join(", ", Enum.GetNames<SelectorKind>())}"),
            List("--budgets", settings.Budgets, ParseBudget, BudgetExpected),
            fullLayers,
            Int("--max-new-tokens", settings.MaxNewTokens, 1),
            settings.Threads is null ? null : Int("--threads", settings.Threads, 1),
            List("--boundary-tokens", settings.BoundaryTokens, s => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int m) && m >= 0 ? m : (int?)null, "an integer ≥ 0"),
            settings.Kinds is null ? null : ParseKinds(settings.Kinds),
            selectionLayer,
            lastFull);
    }

    /// <summary>Where and how a run computed, for the Markdown title: "CPU fp32", or "CUDA fp32 (NVIDIA H200)" where
    /// <c>SPARSEX_DEVICE_NAME</c> names the GPU (bench/gpu/quality-run.sh sets it).</summary>
    private static string RanOn(DecoderModel model)
    {
        string precision = model.Dtype switch
        {
            TorchSharp.torch.ScalarType.Float32 => "fp32",
            TorchSharp.torch.ScalarType.Float16 => "fp16",
            TorchSharp.torch.ScalarType.BFloat16 => "bf16",
            var other => other.ToString(),
        };
        if (model.Device.type != TorchSharp.DeviceType.CUDA)
        {
            return $"CPU {precision}";
        }

        return $"CUDA {precision}" + (SparseX.Engine.Runtime.TorchRuntime.DeviceName is { } name ? $" ({name})" : string.Empty);
    }

    /// <summary>How <c>--answers</c> writes a record: one line, snake_case names, the kind by name.</summary>
    private static readonly System.Text.Json.JsonSerializerOptions AnswerJson = new()
    {
        PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    /// <summary>Parses <c>--kinds</c>: question kinds, comma-separated, duplicates dropped.</summary>
    internal static QuestionKind[] ParseKinds(string value) =>
        List("--kinds", value, s => Enum.TryParse(s, true, out QuestionKind k) && Enum.IsDefined(k) && !int.TryParse(s, out _) ? k : (QuestionKind?)null, $"one of {string.Join(", ", Enum.GetNames<QuestionKind>())}").Distinct().ToArray();

    /// <summary>What a budget must be, for error messages.</summary>
    internal const string BudgetExpected = "a number in [0, 1]";

    /// <summary>Parses one budget r (a number in [0, 1]); null when it is not one.</summary>
    internal static double? ParseBudget(string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double r) && r >= 0 && r <= 1 ? r : null;

    internal static int Int(string option, string value, int min) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n >= min
            ? n
            : throw new FormatException($"{option}: '{value}' is not an integer ≥ {min}.");

    internal static T[] List<T>(string option, string value, Func<string, T?> parse, string expected)
        where T : struct
    {
        string[] items = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (items.Length == 0)
        {
            throw new FormatException($"{option}: the list is empty.");
        }

        return items.Select(s => parse(s) ?? throw new FormatException($"{option}: '{s}' is not {expected}.")).ToArray();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        Parsed p = Parse(settings);
        if (settings.Replot)
        {
            return HeldOutQuestionSettings.HasUnknownArguments(context) ? 1 : Replot(settings);
        }

        if (settings.Ready(context, p.Threads) is not { } device)
        {
            return 1;
        }

        using DecoderModel model = DecoderModel.Load(settings.Model, device: device);
        using HfTokenizer tokenizer = HfTokenizer.FromDirectory(settings.Model);
        ChatTemplate template = ChatTemplate.FromDirectory(settings.Model);
        int[] fullLayers = p.FullLayers.Select(f => Math.Min(f, model.NumLayers)).Distinct().ToArray();
        if (fullLayers.Length < p.FullLayers.Distinct().Count() || p.FullLayers.Any(f => f > model.NumLayers))
        {
            AnsiConsole.MarkupLine($"[yellow]--full-layers capped at the model's {model.NumLayers} layers: {string.Join(",", fullLayers)}[/]");
        }

        if (p.SelectionLayer >= model.NumLayers)
        {
            AnsiConsole.MarkupLine($"[red]Error:[/] --selection-layer: {p.SelectionLayer} is beyond the model's {model.NumLayers} layers (0 to {model.NumLayers - 1}).");
            return 1;
        }

        if (p.IgnoreCalibration)
        {
            model.ReuseCalibration = null;
        }

        // Which layer ranks for Sparse-Q in the rows that name none: recorded, since sparsex_reuse.json changes it.
        string selection = p.SelectionLayer is { } named
            ? $"layer {named}"
            : model.ReuseCalibration is { } calibration ? $"calibrated layer {calibration.SelectionLayer} ({ReuseCalibration.FileName}; F − 1 where F − 1 is later)" : "F − 1";
        var grid = QualityConfiguration.Grid(p.Modes, p.Selectors, p.Budgets, fullLayers, p.BoundaryTokens, p.SelectionLayer);
        var worlds = settings.Worlds();
        var options = new QualityOptions(p.Seed, p.Questions, grid, p.MaxNewTokens, World: worlds.Asked, Kinds: p.Kinds, Merged: settings.Merged, Isolated: settings.Isolated);
        var benchmark = new QualityBenchmark(model, tokenizer, template);
        var clock = Stopwatch.StartNew();
        using StreamWriter? answers = settings.Answers is null ? null : new StreamWriter(settings.Answers);
        IReadOnlyList<QualityResult> results = HeldOutQuestionSettings.RunWithProgress(benchmark, options, $"{grid.Count} configurations",
            answers is null ? null : a => answers.WriteLine(System.Text.Json.JsonSerializer.Serialize(a, AnswerJson)));
        double wall = clock.Elapsed.TotalSeconds;

        string modelName = settings.ModelName;
        string kinds = (p.Kinds is null ? string.Empty : $" ({string.Join(", ", p.Kinds)})") + (settings.Merged ? " · documents merged" : string.Empty)
            + (settings.Isolated ? " · documents cached alone" : string.Empty);
        string title = $"cross-segment quality · {modelName} · {p.Questions} held-out questions{kinds}{HeldOutQuestionSettings.WorldLabel(worlds)} · seed {p.Seed} · Sparse-Q ranks at {selection}";
        AnsiConsole.Write(QualityReport.Table(results, title));
        string command = HeldOutQuestionSettings.CommandLine;
        var metadata = new
        {
            model = settings.Model,
            architecture = model.Config.Architecture,
            layers = model.NumLayers,
            dtype = model.Dtype.ToString(),
            device = model.Device.ToString(),
            device_name = SparseX.Engine.Runtime.TorchRuntime.DeviceName,
            threads = TorchSharp.torch.get_num_threads(),
            seed = p.Seed,
            questions = p.Questions,
            kinds = p.Kinds?.Select(k => k.ToString()).ToArray(),
            merged = settings.Merged,
            isolated = settings.Isolated,
            max_new_tokens = p.MaxNewTokens,
            world_version = (int)options.World,
            trained_world_version = (int)worlds.Trained,
            date = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            command,
            wall_seconds = wall,
            configurations = grid.Count,
            selection_layer = selection,
            oracle = "D_j = sum over sparse layers l = F..L-1 of ||K~ - K|| / ||K|| + ||V~ - V|| / ||V|| (cached K/V aligned to the request vs full prefill, norms over kv_heads x head_dim); oracle = top ceil(r |C|) by D; recall = |T ∩ oracle| / |oracle|",
        };
        string meta = QualityReport.WriteJson(settings.Json, results, metadata);
        string plot = settings.Plot ?? Path.ChangeExtension(settings.Json, ".png");
        QualityPlot.Save(results, QualityPlot.Caption(modelName, p.Questions, p.Seed, worlds.Asked == worlds.Trained ? null : (int)worlds.Asked), plot);
        var written = new List<string> { settings.Json, meta, plot };
        if (settings.Markdown is not null)
        {
            File.WriteAllText(settings.Markdown, QualityReport.Markdown(results, $"{title} · `{command}` · {RanOn(model)} · {wall:0} s"));
            written.Add(settings.Markdown);
        }

        if (settings.Answers is not null)
        {
            written.Add(settings.Answers);
        }

        AnsiConsole.MarkupLine($"[grey]{wall:0.0} s; wrote {Markup.Escape(string.Join(", ", written))}[/]");
        return 0;
    }

    private static int Replot(Settings settings)
    {
        string meta = Path.ChangeExtension(settings.Json, ".meta.json");
        if (!File.Exists(settings.Json) || !File.Exists(meta))
        {
            AnsiConsole.MarkupLine($"[red]Error:[/] --replot: '{Markup.Escape(settings.Json)}' or its '{Markup.Escape(meta)}' not found.");
            return 1;
        }

        var results = System.Text.Json.JsonSerializer.Deserialize<List<QualityResult>>(File.ReadAllText(settings.Json), QualityReport.Json)
            ?? throw new InvalidDataException($"{settings.Json}: no rows.");
        using var metadata = System.Text.Json.JsonDocument.Parse(File.ReadAllText(meta));
        string modelName = Path.GetFileName(Path.TrimEndingDirectorySeparator(metadata.RootElement.GetProperty("model").GetString() ?? "model"));
        string plot = settings.Plot ?? Path.ChangeExtension(settings.Json, ".png");
        JsonElement root = metadata.RootElement;
        int? world = root.TryGetProperty("world_version", out JsonElement asked) && root.TryGetProperty("trained_world_version", out JsonElement trained)
            && asked.GetInt32() != trained.GetInt32() ? asked.GetInt32() : null;
        QualityPlot.Save(results, QualityPlot.Caption(modelName, root.GetProperty("questions").GetInt32(), root.GetProperty("seed").GetInt32(), world), plot);
        AnsiConsole.MarkupLine($"[grey]wrote {Markup.Escape(plot)}[/]");
        return 0;
    }
}
