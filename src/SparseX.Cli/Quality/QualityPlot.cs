using System.Globalization;
using ScottPlot;
using SparseX.Engine.Reuse;

namespace SparseX.Cli.Quality;

/// <summary>Exact match against budget r, one panel per F, one line per selector; FullPrefill and naive reuse as horizontal lines.</summary>
internal static class QualityPlot
{
    /// <summary>The plot's caption: model, question count, seed, and the world when the questions are not of the model's own.</summary>
    /// <param name="model">The model's name.</param>
    /// <param name="questions">Questions evaluated.</param>
    /// <param name="seed">The held-out corpus seed.</param>
    /// <param name="world">The world asked, when it is not the one the model was trained on; else null.</param>
    /// <returns>The caption.</returns>
    public static string Caption(string model, int questions, int seed, int? world = null) =>
        $"{model} · {(world is int w ? $"world V{w} · " : string.Empty)}{questions} q · seed {seed}";

    /// <summary>Writes the PNG.</summary>
    /// <param name="results">The benchmark's results.</param>
    /// <param name="title">The figure's title (<see cref="Caption"/>).</param>
    /// <param name="path">The PNG path.</param>
    public static void Save(IReadOnlyList<QualityResult> results, string title, string path)
    {
        int[] fs = results.Where(r => r.FullLayers is not null).Select(r => r.FullLayers!.Value).Distinct().Order().ToArray();
        if (fs.Length == 0)
        {
            fs = [0];
        }

        var multiplot = new Multiplot();
        multiplot.AddPlots(fs.Length);
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Columns();
        QualityResult? full = results.FirstOrDefault(r => r.Mode == ReuseMode.FullPrefill);
        for (int i = 0; i < fs.Length; i++)
        {
            Plot plot = multiplot.GetPlot(i);
            int f = fs[i];
            if (full is not null)
            {
                var line = plot.Add.HorizontalLine(100 * full.ExactMatch);
                line.LegendText = "FullPrefill";
                line.LinePattern = LinePattern.Dashed;
                line.Color = Colors.Black;
            }

            if (results.FirstOrDefault(r => r.Selector == SelectorKind.None && r.FullLayers == f) is { } naive)
            {
                var line = plot.Add.HorizontalLine(100 * naive.ExactMatch);
                line.LegendText = $"naive (None, F={f})";
                line.LinePattern = LinePattern.Dotted;
                line.Color = Colors.Gray;
            }

            foreach (var group in results.Where(r => r.FullLayers == f && r.Selector is not null and not SelectorKind.None).GroupBy(r => r.Series))
            {
                QualityResult[] points = group.OrderBy(r => r.Budget).ToArray();
                var scatter = plot.Add.Scatter(points.Select(p => p.Budget!.Value).ToArray(), points.Select(p => 100 * p.ExactMatch).ToArray());
                scatter.LegendText = group.Key;
                scatter.LineWidth = points[0].Selector == SelectorKind.SparseQ ? 3 : 2;
            }

            plot.Title(fs.Length == 1 && f == 0 ? title : $"F = {f.ToString(CultureInfo.InvariantCulture)}");
            plot.XLabel("budget r");
            plot.YLabel("exact match (%)");
            plot.Axes.SetLimitsY(0, 100);
            plot.ShowLegend(Edge.Right);
        }

        multiplot.GetPlot(0).Title($"{title} · F = {fs[0].ToString(CultureInfo.InvariantCulture)}");
        // The legend sits right of each panel, one entry per line: leave room for all of them.
        int entries = 2 + results.Where(r => r.Selector is not null and not SelectorKind.None).Select(r => r.Series).Distinct().Count();
        multiplot.SavePng(path, 760 * fs.Length, Math.Max(480, 120 + (24 * entries)));
    }
}
