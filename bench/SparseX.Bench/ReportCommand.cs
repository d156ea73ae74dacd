using System.ComponentModel;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SparseX.Bench;

/// <summary>Merges result files (ours and the Python peer's), prints them and writes a markdown table.</summary>
internal sealed class ReportCommand : Command<ReportCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<FILES>")]
        [Description("Result JSON files to merge.")]
        public string[] Files { get; init; } = Array.Empty<string>();

        [CommandOption("--out <FILE>")]
        public string Out { get; init; } = "gpu-ttft.json";

        [CommandOption("--markdown <FILE>")]
        public string? Markdown { get; init; }

        [CommandOption("--plot <FILE>")]
        [Description("PNG of TTFT against prompt length for the main modes and the peer.")]
        public string? Plot { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var records = settings.Files.SelectMany(f => JsonSerializer.Deserialize<List<ResultRecord>>(File.ReadAllText(f)) ?? new()).ToList();
        File.WriteAllText(settings.Out, JsonSerializer.Serialize(records, new JsonSerializerOptions { WriteIndented = true, DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull }));

        var md = new StringBuilder();
        foreach (var group in records.Where(r => r.TtftMs is not null).GroupBy(r => (r.ModelShape, K: r.Tokens / 1024)).OrderBy(g => g.Key.ModelShape).ThenBy(g => g.Key.K))
        {
            double full = group.FirstOrDefault(r => r.Mode == "FullPrefill")?.TtftMs ?? double.NaN;
            var table = new Table().Title($"TTFT · {group.Key.ModelShape} · ~{group.Key.K}K tokens").AddColumns("mode", "TTFT ms (median)", "× vs our full", "align", "full layers", "selection", "sparse layers");
            md.AppendLine(CultureInfo.InvariantCulture, $"| {group.Key.ModelShape}, {group.First().Tokens} tokens: mode | TTFT ms (median) | speed-up vs our FullPrefill | align ms | full layers ms | selection ms | sparse layers ms |");
            md.AppendLine("|---|---|---|---|---|---|---|");
            foreach (ResultRecord r in group)
            {
                string Phase(string key) => r.PhasesMs is not null && r.PhasesMs.TryGetValue(key, out double v) ? v.ToString("0.0", CultureInfo.InvariantCulture) : "-";
                string speed = (full / r.TtftMs!.Value).ToString("0.00", CultureInfo.InvariantCulture);
                table.AddRow(Markup.Escape(r.Mode), r.TtftMs.Value.ToString("0.0", CultureInfo.InvariantCulture), speed, Phase("align"), Phase("full_layers"), Phase("selection"), Phase("sparse_layers"));
                md.AppendLine(CultureInfo.InvariantCulture, $"| {r.Mode} | {r.TtftMs.Value:0.0} | {speed}× | {Phase("align")} | {Phase("full_layers")} | {Phase("selection")} | {Phase("sparse_layers")} |");
            }

            md.AppendLine();
            AnsiConsole.Write(table);
        }

        var decode = records.Where(r => r.DecodeTokensPerSecond is not null).ToList();
        if (decode.Count > 0)
        {
            md.AppendLine("| decode: shape | who | concurrent sequences | tokens/s |");
            md.AppendLine("|---|---|---|---|");
            foreach (ResultRecord r in decode)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"| {r.ModelShape} | {r.Mode} | {r.Concurrency} | {r.DecodeTokensPerSecond:0.0} |");
            }
        }

        if (settings.Markdown is not null)
        {
            File.WriteAllText(settings.Markdown, md.ToString());
        }

        if (settings.Plot is not null)
        {
            TtftPlot.Save(records.Where(r => r.ModelShape == records[0].ModelShape).ToList(), settings.Plot);
        }

        return 0;
    }
}
