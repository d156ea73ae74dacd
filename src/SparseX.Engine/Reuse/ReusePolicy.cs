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
    /// DESIGN §4 step 3). Default 2: on the trained demo model the first tokens of each reused document carry most of
    /// the cross-request damage — m = 2 cut Sparse-Q's first-token KL at r = 0.15, F = 2 from 0.161 to 0.012 for
    /// 19 more recomputed tokens of ≈ 730 (docs/quality.md). 0 gives plain naive reuse with <see cref="SelectorKind.None"/>.
    /// </summary>
    public int BoundaryTokens { get; init; } = 2;

    /// <summary>Gets the namespace (tenant); segments are never shared across namespaces.</summary>
    public string Namespace { get; init; } = "default";

    /// <summary>Gets the seed of the <see cref="SelectorKind.Random"/> selector.</summary>
    public int RandomSeed { get; init; } = 1234;

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
