using System.Globalization;
using SparseX.Engine.Reuse;

namespace SparseX.Cli.Quality;

/// <summary>
/// One configuration of the benchmark grid: a reference mode (<see cref="ReuseMode.FullPrefill"/>,
/// <see cref="ReuseMode.PrefixOnly"/>) or <see cref="ReuseMode.Reuse"/> with a selector, budget r and F.
/// <see cref="SelectorKind.None"/> is naive reuse (no recompute beyond the F full layers; r is ignored; with
/// F = 1 it is exactly naive reuse, DESIGN §4).
/// </summary>
/// <param name="Mode">The mode.</param>
/// <param name="Selector">The selector (Reuse only).</param>
/// <param name="Budget">r (Reuse only; 0 for None).</param>
/// <param name="FullLayers">F (Reuse only).</param>
/// <param name="BoundaryTokens">m: the first tokens of each moved segment always recomputed on top of the selection
/// (DESIGN §4 step 3, "attention sinks"; Reuse with a selecting selector only).</param>
/// <param name="SelectionLayer">The layer whose attention ranks tokens for Sparse-Q (null: the checkpoint's calibrated layer, else F − 1; a later layer is a look-ahead, <see cref="ReusePolicy.SelectionLayer"/>).</param>
internal sealed record QualityConfiguration(ReuseMode Mode, SelectorKind? Selector = null, double? Budget = null, int? FullLayers = null, int BoundaryTokens = 0, int? SelectionLayer = null)
{
    /// <summary>Gets a value indicating whether the configuration selects reused tokens (so has an oracle recall).</summary>
    public bool Selects => Mode == ReuseMode.Reuse && Selector != SelectorKind.None && Budget > 0;

    /// <summary>Gets a value indicating whether this is naive reuse (selector None).</summary>
    public bool IsNaive => Mode == ReuseMode.Reuse && Selector == SelectorKind.None;

    /// <summary>Gets a short name, e.g. <c>SparseQ r=0.15 F=2</c>.</summary>
    public string Name => Mode != ReuseMode.Reuse
        ? Mode.ToString()
        : IsNaive
            ? $"naive (None) F={FullLayers}"
            : $"{Selector} r={Budget!.Value.ToString("0.###", CultureInfo.InvariantCulture)} F={FullLayers}" + (BoundaryTokens > 0 ? $" m={BoundaryTokens}" : string.Empty)
                + (SelectionLayer is { } l ? $" sel={l}" : string.Empty);

    /// <summary>The engine policy of this configuration.</summary>
    /// <returns>The policy.</returns>
    public ReusePolicy ToPolicy() => Mode == ReuseMode.Reuse
        ? new ReusePolicy { Mode = ReuseMode.Reuse, Selector = Selector!.Value, Budget = Budget!.Value, FullLayers = FullLayers!.Value, BoundaryTokens = BoundaryTokens, SelectionLayer = SelectionLayer }
        : new ReusePolicy { Mode = Mode };

    /// <summary>Expands modes × selectors × budgets × F into the grid, references first.</summary>
    /// <param name="modes">Modes.</param>
    /// <param name="selectors">Selectors (for Reuse).</param>
    /// <param name="budgets">Budgets (for Reuse; selector None runs once per F at r = 0).</param>
    /// <param name="fullLayers">F values (for Reuse).</param>
    /// <param name="boundaryTokens">m values for the selectors that rank tokens (not None, not SegmentHeads, whose
    /// selection already is the first tokens); default m = 0 only.</param>
    /// <param name="selectionLayer">The layer whose attention ranks tokens for SparseQ and SparseQDeviation (null: the checkpoint's calibrated layer, else F − 1).</param>
    /// <returns>The configurations.</returns>
    public static IReadOnlyList<QualityConfiguration> Grid(IEnumerable<ReuseMode> modes, IEnumerable<SelectorKind> selectors, IEnumerable<double> budgets, IEnumerable<int> fullLayers, IEnumerable<int>? boundaryTokens = null, int? selectionLayer = null)
    {
        int[] ms = (boundaryTokens ?? [0]).Distinct().Order().ToArray();
        var list = new List<QualityConfiguration>();
        var modeList = modes.Distinct().ToList();
        foreach (ReuseMode mode in new[] { ReuseMode.FullPrefill, ReuseMode.PrefixOnly }.Where(modeList.Contains))
        {
            list.Add(new QualityConfiguration(mode));
        }

        if (modeList.Contains(ReuseMode.Reuse))
        {
            double[] rs = budgets.Distinct().Order().ToArray();
            int[] fs = fullLayers.Distinct().Order().ToArray();
            foreach (SelectorKind selector in selectors.Distinct())
            {
                foreach (int f in fs)
                {
                    foreach (int m in selector is SelectorKind.None or SelectorKind.SegmentHeads ? new[] { 0 } : ms)
                    {
                        foreach (double r in selector == SelectorKind.None ? new[] { 0.0 } : rs)
                        {
                            int? layer = selector is SelectorKind.SparseQ or SelectorKind.SparseQDeviation ? selectionLayer : null;
                            list.Add(new QualityConfiguration(ReuseMode.Reuse, selector, r, f, m, layer));
                        }
                    }
                }
            }
        }

        return list;
    }
}
