using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using SparseX.Engine.Reuse;
using SparseX.World;
using Spectre.Console;

namespace SparseX.Cli.Quality;

/// <summary>The benchmark's outputs: a console table, the JSON rows and their metadata sidecar, a Markdown table.</summary>
internal static class QualityReport
{
    /// <summary>JSON settings of the outputs (snake_case, enums as names).</summary>
    public static JsonSerializerOptions Json { get; } = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>The console table.</summary>
    /// <param name="results">The results.</param>
    /// <param name="title">The title.</param>
    /// <returns>The table.</returns>
    public static Table Table(IReadOnlyList<QualityResult> results, string title)
    {
        var table = new Table().Title(Markup.Escape(title)).AddColumn("configuration").AddColumn("EM", c => c.RightAligned())
            .AddColumn("Δ EM vs full (95%)", c => c.RightAligned());
        QuestionKind[] kinds = AskedKinds(results);
        foreach (QuestionKind kind in kinds)
        {
            table.AddColumn(kind.ToString(), c => c.RightAligned());
        }

        table.AddColumn("KL (nats)", c => c.RightAligned()).AddColumn("oracle recall", c => c.RightAligned())
            .AddColumn("reused", c => c.RightAligned()).AddColumn("recomputed", c => c.RightAligned())
            .AddColumn("|R|/N", c => c.RightAligned()).AddColumn("s", c => c.RightAligned());
        foreach (QualityResult r in results)
        {
            var cells = new List<string> { Markup.Escape(r.Name), Percent(r.ExactMatch), VsFull(r) };
            cells.AddRange(kinds.Select(k => ByKind(r, k)));
            cells.Add(r.FirstTokenKl.ToString("0.0000", CultureInfo.InvariantCulture));
            cells.Add(r.OracleRecall is double recall ? recall.ToString("0.00", CultureInfo.InvariantCulture) : "-");
            cells.Add(r.ReusedTokens.ToString("0", CultureInfo.InvariantCulture));
            cells.Add(r.RecomputedTokens.ToString("0", CultureInfo.InvariantCulture));
            cells.Add(r.RecomputeRatio.ToString("0.00", CultureInfo.InvariantCulture));
            cells.Add(r.Seconds.ToString("0.0", CultureInfo.InvariantCulture));
            table.AddRow(cells.ToArray());
        }

        return table;
    }

    /// <summary>Writes the rows (a JSON array) and the metadata next to them (<c>name.meta.json</c>).</summary>
    /// <param name="path">The JSON path.</param>
    /// <param name="results">The rows.</param>
    /// <param name="metadata">Model, seed, date, command and so on.</param>
    /// <returns>The metadata path.</returns>
    public static string WriteJson(string path, IReadOnlyList<QualityResult> results, object metadata)
    {
        File.WriteAllText(path, JsonSerializer.Serialize(results, Json));
        string meta = MetadataPath(path);
        File.WriteAllText(meta, JsonSerializer.Serialize(metadata, Json));
        return meta;
    }

    /// <summary>The metadata sidecar of a JSON output: <c>x.json</c> → <c>x.meta.json</c>.</summary>
    /// <param name="jsonPath">The JSON path.</param>
    /// <returns>The sidecar path.</returns>
    public static string MetadataPath(string jsonPath) => Path.ChangeExtension(jsonPath, null) + ".meta.json";

    /// <summary>A Markdown table of the results.</summary>
    /// <param name="results">The rows.</param>
    /// <param name="caption">A line above the table (model, questions, seed, command).</param>
    /// <returns>The Markdown.</returns>
    public static string Markdown(IReadOnlyList<QualityResult> results, string caption)
    {
        var sb = new StringBuilder().AppendLine(caption).AppendLine();
        QuestionKind[] kinds = AskedKinds(results);
        sb.Append("| configuration | EM | Δ EM vs full (95%) | ").AppendJoin(" | ", kinds).AppendLine(" | KL (nats) | oracle recall | reused | recomputed | \\|R\\|/N |");
        sb.Append("|---|---|---|").Append(string.Concat(kinds.Select(_ => "---|"))).AppendLine("---|---|---|---|---|");
        foreach (QualityResult r in results)
        {
            sb.Append("| ").Append(r.Name).Append(" | ").Append(Percent(r.ExactMatch)).Append(" | ").Append(VsFull(r)).Append(" | ")
                .AppendJoin(" | ", kinds.Select(k => ByKind(r, k))).Append(" | ")
                .Append(r.FirstTokenKl.ToString("0.0000", CultureInfo.InvariantCulture)).Append(" | ")
                .Append(r.OracleRecall is double recall ? recall.ToString("0.00", CultureInfo.InvariantCulture) : "–").Append(" | ")
                .Append(r.ReusedTokens.ToString("0", CultureInfo.InvariantCulture)).Append(" | ")
                .Append(r.RecomputedTokens.ToString("0", CultureInfo.InvariantCulture)).Append(" | ")
                .Append(r.RecomputeRatio.ToString("0.00", CultureInfo.InvariantCulture)).AppendLine(" |");
        }

        return sb.ToString();
    }

    /// <summary>The question kinds some row asked, in declaration order: a world that cannot ask a kind (or a <c>--kinds</c>
    /// filter) gets no empty column for it.</summary>
    private static QuestionKind[] AskedKinds(IReadOnlyList<QualityResult> results) =>
        [.. Enum.GetValues<QuestionKind>().Where(k => results.Any(r => r.ExactMatchByKind.ContainsKey(k.ToString())))];

    /// <summary>The paired difference from full prefill in points with its 95% half-width ("−20.8 ± 4.3"); "–" for full
    /// prefill itself and for results written before it was measured.</summary>
    private static string VsFull(QualityResult r) =>
        r.Mode == ReuseMode.FullPrefill || r.ExactMatchVsFull is not double delta
            ? "–"
            : (100 * delta).ToString("+0.0;−0.0;0.0", CultureInfo.InvariantCulture)
                + (r.ExactMatchVsFullCi95 is double ci ? " ± " + (100 * ci).ToString("0.0", CultureInfo.InvariantCulture) : "");

    private static string Percent(double share) => (100 * share).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    private static string ByKind(QualityResult r, QuestionKind kind) =>
        r.ExactMatchByKind.TryGetValue(kind.ToString(), out double em)
            ? $"{Percent(em)} ({r.QuestionsByKind[kind.ToString()]})"
            : "-";
}
