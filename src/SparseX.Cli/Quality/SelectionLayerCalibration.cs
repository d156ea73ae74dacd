using SparseX.Engine.Model;
using SparseX.Engine.Reuse;

namespace SparseX.Cli.Quality;

/// <summary>
/// Finds a checkpoint's Sparse-Q selection layer (<see cref="ReuseCalibration"/>): Sparse-Q at one budget r, F and m,
/// ranked at every layer from F − 1 to L − 1 in turn, on held-out questions; the layer whose answers' first-token
/// distribution stays closest to full prefill (lowest mean KL) wins. KL rather than exact match: it moves with every
/// question, not only with the ones whose answer flips, so a few dozen questions separate the layers.
/// </summary>
internal static class SelectionLayerCalibration
{
    /// <summary>The configurations to measure: full prefill (the reference), then Sparse-Q ranked at F − 1..L − 1.</summary>
    /// <param name="numLayers">L.</param>
    /// <param name="budget">r.</param>
    /// <param name="fullLayers">F (1 ≤ F ≤ L).</param>
    /// <param name="boundaryTokens">m.</param>
    /// <returns>The grid.</returns>
    public static IReadOnlyList<QualityConfiguration> Grid(int numLayers, double budget, int fullLayers, int boundaryTokens)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(fullLayers, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(fullLayers, numLayers);
        var grid = new List<QualityConfiguration> { new(ReuseMode.FullPrefill) };
        for (int layer = fullLayers - 1; layer < numLayers; layer++)
        {
            grid.Add(new QualityConfiguration(ReuseMode.Reuse, SelectorKind.SparseQ, budget, fullLayers, boundaryTokens, layer));
        }

        return grid;
    }

    /// <summary>Picks the layer with the lowest mean first-token KL (the earlier layer on a tie: less look-ahead work).</summary>
    /// <param name="results">The rows of <see cref="Grid"/>.</param>
    /// <param name="command">The command line that measured them.</param>
    /// <returns>The calibration, with every layer's KL as its evidence.</returns>
    /// <exception cref="ArgumentException">No row ranks at a selection layer.</exception>
    public static ReuseCalibration Choose(IReadOnlyList<QualityResult> results, string? command = null)
    {
        var byLayer = results.Where(r => r.SelectionLayer is not null).ToDictionary(r => r.SelectionLayer!.Value, r => r.FirstTokenKl);
        if (byLayer.Count == 0)
        {
            throw new ArgumentException("No result ranks at a selection layer.", nameof(results));
        }

        int best = byLayer.OrderBy(p => p.Value).ThenBy(p => p.Key).First().Key;
        return new ReuseCalibration { SelectionLayer = best, FirstTokenKlByLayer = byLayer, Command = command };
    }
}
