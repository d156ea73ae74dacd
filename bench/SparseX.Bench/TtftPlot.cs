using ScottPlot;

namespace SparseX.Bench;

/// <summary>TTFT against prompt length, one line per mode (ScottPlot).</summary>
internal static class TtftPlot
{
    private static readonly string[] Modes =
    {
        "hf-transformers", "FullPrefill", "PrefixOnly", "naive (None, F=1)", "KvDeviation r=0.15 F=2",
        "SegmentHeads r=0.15 F=1", "SparseQ r=0.05 F=1", "SparseQ r=0.15 F=1", "SparseQ r=0.15 F=2",
    };

    public static void Save(IReadOnlyList<ResultRecord> records, string path)
    {
        var plot = new Plot();
        foreach (string mode in Modes)
        {
            var points = records.Where(r => r.Mode == mode && r.TtftMs is not null).OrderBy(r => r.Tokens).ToArray();
            if (points.Length == 0)
            {
                continue;
            }

            var line = plot.Add.Scatter(points.Select(p => p.Tokens / 1024.0).ToArray(), points.Select(p => p.TtftMs!.Value).ToArray());
            line.LegendText = mode;
            line.LineWidth = mode is "FullPrefill" or "hf-transformers" ? 3 : 2;
        }

        string title = records.FirstOrDefault() is { } first ? $"TTFT · {first.ModelShape} · {first.Dtype} · {first.Device}" : "TTFT";
        plot.Title(title);
        plot.XLabel("prompt tokens (K)");
        plot.YLabel("time to first token (ms)");
        plot.ShowLegend(Alignment.UpperLeft);
        plot.SavePng(path, 1000, 650);
    }
}
