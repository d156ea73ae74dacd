using SparseX.Engine.Reuse;

namespace SparseX.Hosting;

/// <summary>
/// The default reuse policy of the hosted engine in a configuration-bindable form (DESIGN §4); see
/// <see cref="ReusePolicy"/> for the meaning of each setting.
/// </summary>
public sealed class SparseXReuseOptions
{
    /// <summary>Gets or sets the mode.</summary>
    public ReuseMode Mode { get; set; } = ReusePolicy.Default.Mode;

    /// <summary>Gets or sets the selector of recomputed tokens.</summary>
    public SelectorKind Selector { get; set; } = ReusePolicy.Default.Selector;

    /// <summary>Gets or sets the budget r, the fraction of reused tokens recomputed, in [0, 1].</summary>
    public double Budget { get; set; } = ReusePolicy.Default.Budget;

    /// <summary>Gets or sets F, the number of leading layers computed densely (1 to the model's layer count).</summary>
    public int FullLayers { get; set; } = ReusePolicy.Default.FullLayers;

    /// <summary>Gets or sets m, tokens at the start of each moved segment always recomputed.</summary>
    public int BoundaryTokens { get; set; } = ReusePolicy.Default.BoundaryTokens;

    /// <summary>Gets or sets the layer whose attention ranks tokens for Sparse-Q (null: the checkpoint's calibrated layer
    /// from <c>sparsex_reuse.json</c>, else F − 1; a later layer is a look-ahead, <see cref="ReusePolicy.SelectionLayer"/>).</summary>
    public int? SelectionLayer { get; set; } = ReusePolicy.Default.SelectionLayer;

    /// <summary>Gets or sets the namespace (tenant) of segments.</summary>
    public string Namespace { get; set; } = ReusePolicy.Default.Namespace;

    /// <summary>Builds the engine's policy.</summary>
    /// <returns>The policy.</returns>
    public ReusePolicy ToPolicy() => new()
    {
        Mode = Mode,
        Selector = Selector,
        Budget = Budget,
        FullLayers = FullLayers,
        BoundaryTokens = BoundaryTokens,
        SelectionLayer = SelectionLayer,
        Namespace = Namespace,
    };
}
