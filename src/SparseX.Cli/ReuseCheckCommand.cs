using System.ComponentModel;
using System.Globalization;
using SparseX.Engine.Model;
using SparseX.Engine.Reuse;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SparseX.Cli;

/// <summary><c>sparsex reuse-check &lt;checkpoint-dir&gt; [--seed N] [--count K]</c>.</summary>
internal sealed class ReuseCheckCommand : Command<ReuseCheckCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<checkpoint-dir>")]
        [Description("Hugging Face checkpoint directory.")]
        public string Checkpoint { get; init; } = string.Empty;

        [CommandOption("--seed <N>")]
        [Description("First scenario seed (default 1).")]
        public int Seed { get; init; } = 1;

        [CommandOption("--count <K>")]
        [Description("Number of random scenarios (default 3).")]
        public int Count { get; init; } = 3;
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        using DecoderModel model = DecoderModel.Load(settings.Checkpoint);
        var table = new Table().Title($"reuse invariants · {model.Config.Architecture}")
            .AddColumns("seed", "invariant", "max |Δ logit|", "tolerance", "detail", "ok");
        bool all = true;
        for (int seed = settings.Seed; seed < settings.Seed + settings.Count; seed++)
        {
            foreach (InvariantResult r in ReuseCheck.Run(model, seed))
            {
                all &= r.Passed;
                table.AddRow(
                    seed.ToString(CultureInfo.InvariantCulture),
                    Markup.Escape(r.Name),
                    r.MaxAbsDiff.ToString("E2", CultureInfo.InvariantCulture),
                    r.Tolerance.ToString("g", CultureInfo.InvariantCulture),
                    Markup.Escape(r.Detail),
                    r.Passed ? "[green]✓[/]" : "[red]✗[/]");
            }
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine(all ? "[green]all invariants hold[/]" : "[red]INVARIANT VIOLATED[/]");
        return all ? 0 : 1;
    }
}
