using System.ComponentModel;
using System.Globalization;
using SparseX.Engine.Model;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SparseX.Cli;

/// <summary><c>sparsex verify &lt;checkpoint-dir&gt; [--references file]</c>.</summary>
internal sealed class VerifyCommand : Command<VerifyCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<checkpoint-dir>")]
        [Description("Hugging Face checkpoint directory.")]
        public string Checkpoint { get; init; } = string.Empty;

        [CommandOption("--references <FILE>")]
        [Description("references.safetensors to compare with (default: the one in the checkpoint directory).")]
        public string? References { get; init; }

        [CommandOption("--tolerance <TOL>")]
        [Description("Max-abs logit tolerance (default 1e-3).")]
        public double Tolerance { get; init; } = 1e-3;
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        string references = settings.References ?? Path.Combine(settings.Checkpoint, "references.safetensors");
        using DecoderModel model = DecoderModel.Load(settings.Checkpoint);
        using ReferenceSet set = ReferenceSet.Open(references);
        IReadOnlyList<ReferenceComparison> results = ReferenceVerifier.Verify(model, set);

        var table = new Table().Title($"{model.Config.Architecture} · {settings.Checkpoint}")
            .AddColumns("prompt", "tokens", "max |Δ logit|", "max |Δ hidden|", "greedy");
        foreach (ReferenceComparison r in results)
        {
            string Color(bool ok) => ok ? "green" : "red";
            table.AddRow(
                r.Prompt,
                r.Tokens.ToString(CultureInfo.InvariantCulture),
                $"[{Color(r.MaxLogitDiff <= settings.Tolerance)}]{r.MaxLogitDiff:E2}[/]",
                r.MaxHiddenDiff is { } h ? h.ToString("E2", CultureInfo.InvariantCulture) : "-",
                r.GreedyMatch switch { true => "[green]match[/]", false => "[red]differs[/]", null => "-" });
        }

        AnsiConsole.Write(table);
        bool ok = results.Count > 0 && results.All(r => r.Passes(settings.Tolerance));
        AnsiConsole.MarkupLine(ok ? "[green]PASS[/]" : "[red]FAIL[/]");
        return ok ? 0 : 1;
    }
}
