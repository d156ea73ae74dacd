using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using SparseX.Cli.Quality;
using SparseX.Engine.Model;
using SparseX.Engine.Text;
using SparseX.Engine.Text.Templates;
using SparseX.World;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SparseX.Cli;

/// <summary>
/// <c>sparsex calibrate --model &lt;dir&gt; [--seed n] [--questions n] [--kinds ...] [--world N] [--budget r] [--full-layers F]
/// [--boundary-tokens m] [--threads n] [--dry-run]</c>: measures which layer's attention ranks reused tokens best for
/// Sparse-Q on this checkpoint (<see cref="SelectionLayerCalibration"/>) and writes it beside the weights as
/// <c>sparsex_reuse.json</c>, which the engine then uses for every request that names no selection layer.
/// </summary>
internal sealed class CalibrateCommand : Command<CalibrateCommand.Settings>
{
    public sealed class Settings : HeldOutQuestionSettings
    {
        [CommandOption("--budget <R>")]
        [Description("Budget r in [[0, 1]] Sparse-Q runs at while the layers are compared (default 0.15).")]
        public string Budget { get; init; } = "0.15";

        [CommandOption("--full-layers <F>")]
        [Description("F: layers F − 1 to L − 1 are compared (default 2).")]
        public string FullLayers { get; init; } = "2";

        [CommandOption("--boundary-tokens <M>")]
        [Description("m, first tokens of each moved segment recomputed on top of the selection (default 2, the engine's default).")]
        public string BoundaryTokens { get; init; } = "2";

        [CommandOption("--dry-run")]
        [Description("Measure and print, but do not write sparsex_reuse.json into the --model directory.")]
        public bool DryRun { get; init; }

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
    public sealed record Parsed(int Seed, int Questions, QuestionKind[]? Kinds, double Budget, int FullLayers, int BoundaryTokens, int? Threads);

    /// <summary>Parses the settings.</summary>
    /// <param name="settings">The raw settings.</param>
    /// <returns>The parsed settings.</returns>
    /// <exception cref="FormatException">A value is malformed or out of range; the message names the option.</exception>
    public static Parsed Parse(Settings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        double budget = QualityCommand.ParseBudget(settings.Budget)
            ?? throw new FormatException($"--budget: '{settings.Budget}' is not {QualityCommand.BudgetExpected}.");
        if (settings.World is not null)
        {
            _ = HeldOutQuestionSettings.ParseWorld(settings.World);
        }

        return new Parsed(
            QualityCommand.Int("--seed", settings.Seed, int.MinValue),
            QualityCommand.Int("--questions", settings.Questions, 1),
            settings.Kinds is null ? null : QualityCommand.ParseKinds(settings.Kinds),
            budget,
            QualityCommand.Int("--full-layers", settings.FullLayers, 1),
            QualityCommand.Int("--boundary-tokens", settings.BoundaryTokens, 0),
            settings.Threads is null ? null : QualityCommand.Int("--threads", settings.Threads, 1));
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        Parsed p = Parse(settings);
        if (settings.Ready(context, p.Threads) is not { } device)
        {
            return 1;
        }

        using DecoderModel model = DecoderModel.Load(settings.Model, device: device);
        if (p.FullLayers > model.NumLayers)
        {
            AnsiConsole.MarkupLine($"[red]Error:[/] --full-layers: F = {p.FullLayers} exceeds the model's {model.NumLayers} layers.");
            return 1;
        }

        using HfTokenizer tokenizer = HfTokenizer.FromDirectory(settings.Model);
        ChatTemplate template = ChatTemplate.FromDirectory(settings.Model);
        IReadOnlyList<QualityConfiguration> grid = SelectionLayerCalibration.Grid(model.NumLayers, p.Budget, p.FullLayers, p.BoundaryTokens);
        var options = new QualityOptions(p.Seed, p.Questions, grid, World: settings.Worlds().Asked, Kinds: p.Kinds, Merged: settings.Merged, Isolated: settings.Isolated);
        var clock = Stopwatch.StartNew();
        IReadOnlyList<QualityResult> results = HeldOutQuestionSettings.RunWithProgress(new QualityBenchmark(model, tokenizer, template), options, $"layers {p.FullLayers - 1}..{model.NumLayers - 1}");

        string command = HeldOutQuestionSettings.CommandLine;
        ReuseCalibration calibration = SelectionLayerCalibration.Choose(results, command);
        QualityResult[] layerRows = results.Where(r => r.SelectionLayer is not null).ToArray();
        string modelName = settings.ModelName;
        var table = new Table().Title(Markup.Escape($"Sparse-Q r={p.Budget.ToString(CultureInfo.InvariantCulture)} F={p.FullLayers} m={p.BoundaryTokens} · {modelName} · {p.Questions} held-out questions · seed {p.Seed} · full prefill EM {Percent(results[0].ExactMatch)}"))
            .AddColumn("selection layer").AddColumn("EM", c => c.RightAligned()).AddColumn("first-token KL", c => c.RightAligned()).AddColumn("oracle recall", c => c.RightAligned());
        foreach (QualityResult r in layerRows)
        {
            string mark = r.SelectionLayer == calibration.SelectionLayer ? "[bold]" : "[default]";
            table.AddRow($"{mark}{r.SelectionLayer}{(r.SelectionLayer == p.FullLayers - 1 ? " (F − 1)" : string.Empty)}[/]", Percent(r.ExactMatch), $"{mark}{r.FirstTokenKl.ToString("0.0000", CultureInfo.InvariantCulture)}[/]", r.OracleRecall?.ToString("0.00", CultureInfo.InvariantCulture) ?? "-");
        }

        AnsiConsole.Write(table);
        string previous = model.ReuseCalibration is { } old ? $" (was {old.SelectionLayer})" : string.Empty;
        AnsiConsole.MarkupLine($"Lowest first-token KL: layer [bold]{calibration.SelectionLayer}[/]{previous}; {clock.Elapsed.TotalSeconds:0} s.");
        if (settings.DryRun)
        {
            AnsiConsole.MarkupLine("[grey]--dry-run: nothing written.[/]");
            return 0;
        }

        var measuredWith = new Dictionary<string, object>
        {
            ["full_layers"] = p.FullLayers,
            ["budget"] = p.Budget,
            ["boundary_tokens"] = p.BoundaryTokens,
            ["questions"] = p.Questions,
            ["seed"] = p.Seed,
            ["kinds"] = p.Kinds?.Select(k => k.ToString()).ToArray() ?? ["all"],
            ["world_version"] = (int)options.World,
            ["exact_match"] = layerRows.ToDictionary(r => r.SelectionLayer!.Value.ToString(CultureInfo.InvariantCulture), r => r.ExactMatch),
            ["full_prefill_exact_match"] = results[0].ExactMatch,
            ["date"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        };
        string path = calibration.Save(settings.Model, measuredWith);
        AnsiConsole.MarkupLine($"[grey]wrote {Markup.Escape(path)}: requests that name no selection layer now rank at layer {calibration.SelectionLayer} (F ≤ {calibration.SelectionLayer + 1}).[/]");
        return 0;
    }

    private static string Percent(double share) => (100 * share).ToString("0.0", CultureInfo.InvariantCulture) + "%";
}
