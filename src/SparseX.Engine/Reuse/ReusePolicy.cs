using SparseX.Engine.Model;

namespace SparseX.Engine.Reuse;

/// <summary>Per-request reuse settings (DESIGN §4).</summary>
public sealed record ReusePolicy
{
    /// <summary>Gets the default policy: Reuse, Sparse-Q, r = 0.15, F = 2, m = 2.</summary>
    public static ReusePolicy Default { get; } = new();

    /// <summary>Gets the mode.</summary>
    public ReuseMode Mode { get; init; } = ReuseMode.Reuse;

    /// <summary>Gets the selector.</summary>
    public SelectorKind Selector { get; init; } = SelectorKind.SparseQ;

    /// <summary>Gets the budget r: the fraction of reused tokens recomputed in the sparse layers.</summary>
    public double Budget { get; init; } = 0.15;

    /// <summary>Gets F, the number of leading layers computed densely (≥ 1).</summary>
    public int FullLayers { get; init; } = 2;

    /// <summary>
    /// Gets m, tokens at the start of each moved segment always recomputed on top of the selection (attention sinks;
    /// DESIGN §4 step 3). Default 2: on the trained demo model the first tokens of each reused document carry much of
    /// the cross-request damage — m = 2 cuts Sparse-Q's first-token KL at r = 0.15, F = 2 from 0.924 to 0.249 for 19 more
    /// recomputed tokens of ≈ 770 (docs/quality.md). 0 gives plain naive reuse with <see cref="SelectorKind.None"/>.
    /// </summary>
    public int BoundaryTokens { get; init; } = 2;

    /// <summary>
    /// Gets the layer whose attention ranks reused tokens for <see cref="SelectorKind.SparseQ"/> and
    /// <see cref="SelectorKind.SparseQDeviation"/>; null: the checkpoint's calibrated layer (<see cref="ReuseCalibration"/>,
    /// <c>sparsex_reuse.json</c>) when it is at least F − 1, else the last full layer, F − 1 (DESIGN §4 step 3). A later
    /// layer than F − 1 is reached by a look-ahead: the new rows alone run on through layers F..that layer against the
    /// aligned cached KV (naive reuse's view), the probe is taken there, and the sparse layers then start from F as usual —
    /// the new rows are recomputed there anyway, so the look-ahead leaves no trace in the KV. On the trained demo models
    /// only the layer that does the cross-document look-up ranks the tokens that matter (docs/quality.md).
    /// </summary>
    public int? SelectionLayer { get; init; }

    /// <summary>Gets the namespace (tenant); segments are never shared across namespaces.</summary>
    public string Namespace { get; init; } = "default";

    /// <summary>Gets the seed of the <see cref="SelectorKind.Random"/> selector.</summary>
    public int RandomSeed { get; init; } = 1234;

    /// <summary>The layer whose attention ranks reused tokens for this policy: <see cref="SelectionLayer"/> if set, else the
    /// calibrated layer when it is at least F − 1, else F − 1.</summary>
    /// <param name="calibration">The checkpoint's calibration, if any (<see cref="DecoderModel.ReuseCalibration"/>).</param>
    /// <returns>The layer.</returns>
    public int ResolveSelectionLayer(ReuseCalibration? calibration) =>
        SelectionLayer ?? calibration?.SelectionLayerFor(FullLayers) ?? FullLayers - 1;

    /// <summary>Throws if a setting is out of range.</summary>
    /// <param name="numLayers">The model's layer count.</param>
    /// <exception cref="ArgumentException">A setting is invalid; the message names it.</exception>
    public void Validate(int numLayers)
    {
        if (!Enum.IsDefined(Mode))
        {
            throw new ArgumentException($"Unknown reuse mode {(int)Mode}.", nameof(Mode));
        }

        if (!Enum.IsDefined(Selector))
        {
            throw new ArgumentException($"Unknown selector {(int)Selector}.", nameof(Selector));
        }

        if (double.IsNaN(Budget) || Budget < 0 || Budget > 1)
        {
            throw new ArgumentException($"Budget r must be in [0, 1] (got {Budget}).", nameof(Budget));
        }

        if (FullLayers < 1 || FullLayers > numLayers)
        {
            throw new ArgumentException($"FullLayers F must be in [1, {numLayers}] for this model (got {FullLayers}).", nameof(FullLayers));
        }

        if (SelectionLayer is { } selectionLayer && (selectionLayer < FullLayers - 1 || selectionLayer >= numLayers))
        {
            throw new ArgumentException($"SelectionLayer must be in [F − 1, {numLayers - 1}] = [{FullLayers - 1}, {numLayers - 1}] for this model and F (got {selectionLayer}).", nameof(SelectionLayer));
        }

        if (BoundaryTokens < 0)
        {
            throw new ArgumentException($"BoundaryTokens m must be ≥ 0 (got {BoundaryTokens}).", nameof(BoundaryTokens));
        }

        if (string.IsNullOrEmpty(Namespace))
        {
            throw new ArgumentException("Namespace must not be empty.", nameof(Namespace));
        }
    }
}
