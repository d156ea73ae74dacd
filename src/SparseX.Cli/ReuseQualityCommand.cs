using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using SparseX.Engine.Model;
using SparseX.Engine.Reuse;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SparseX.Cli;

/// <summary><c>sparsex reuse-quality &lt;checkpoint-dir&gt; --budgets ... --selectors ...</c>.</summary>
internal sealed class ReuseQualityCommand : Command<ReuseQualityCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<checkpoint-dir>")]
        [Description("Hugging Face checkpoint directory.")]
        public string Checkpoint { get; init; } = string.Empty;

        [CommandOption("--budgets <LIST>")]
        [Description("Comma-separated budgets r (default 0,0.05,0.1,0.15,0.2,0.3,1).")]
        public string Budgets { get; init; } = "0,0.05,0.1,0.15,0.2,0.3,1";

        [CommandOption("--selectors <LIST>")]
        [Description("Comma-separated selectors (default: all).")]
        public string Selectors { get; init; } = string.Join(",", Enum.GetNames<SelectorKind>());

        [CommandOption("--full-layers <F>")]
        public int FullLayers { get; init; } = 1;

        [CommandOption("--prompts <N>")]
        [Description("Number of seeded prompts (default 16).")]
        public int Prompts { get; init; } = 16;

        [CommandOption("--seed <N>")]
        public int Seed { get; init; } = 100;

        [CommandOption("--out <FILE>")]
        [Description("JSON output (default reuse-quality.json).")]
        public string Out { get; init; } = "reuse-quality.json";

        public override ValidationResult Validate()
        {
            foreach (string s in Selectors.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!Enum.TryParse<SelectorKind>(s, ignoreCase: true, out _))
                {
                    return ValidationResult.Error($"Unknown selector '{s}'. Known: {string.Join(", ", Enum.GetNames<SelectorKind>())}.");
                }
            }

            foreach (string b in Budgets.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!double.TryParse(b, NumberStyles.Float, CultureInfo.InvariantCulture, out double r) || r < 0 || r > 1)
                {
                    return ValidationResult.Error($"Budget '{b}' is not a number in [0, 1].");
                }
            }

            return Prompts < 1 ? ValidationResult.Error("--prompts must be ≥ 1.") : ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        using DecoderModel model = DecoderModel.Load(settings.Checkpoint);
        SelectorKind[] selectors = settings.Selectors.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => Enum.Parse<SelectorKind>(s, ignoreCase: true)).ToArray();
        double[] budgets = settings.Budgets.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(b => double.Parse(b, CultureInfo.InvariantCulture)).ToArray();
        int[] seeds = Enumerable.Range(settings.Seed, settings.Prompts).ToArray();

        IReadOnlyList<QualityPoint> points = null!;
        AnsiConsole.Status().Start("Evaluating…", _ => points = ReuseQuality.Evaluate(model, selectors, budgets, settings.FullLayers, seeds));

        var table = new Table().Title($"first-token agreement with full prefill · {model.Config.Architecture} · F={settings.FullLayers} · {seeds.Length} prompts")
            .AddColumns("selector", "r", "KL (nats)", "top-1", "|R|/N");
        foreach (QualityPoint p in points)
        {
            table.AddRow(
                p.Selector.ToString(),
                p.Budget.ToString("0.###", CultureInfo.InvariantCulture),
                p.MeanKl.ToString("0.0000", CultureInfo.InvariantCulture),
                p.Top1Agreement.ToString("P0", CultureInfo.InvariantCulture),
                p.MeanRecomputeRatio.ToString("0.00", CultureInfo.InvariantCulture));
        }

        AnsiConsole.Write(table);
        var json = new
        {
            checkpoint = settings.Checkpoint,
            architecture = model.Config.Architecture,
            full_layers = settings.FullLayers,
            seeds,
            points,
        };
        File.WriteAllText(settings.Out, JsonSerializer.Serialize(json, new JsonSerializerOptions
        {
            WriteIndented = true,
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            Converters = { new JsonStringEnumConverter() },
        }));
        AnsiConsole.MarkupLine($"[grey]wrote {Markup.Escape(settings.Out)}[/]");
        return 0;
    }
}
