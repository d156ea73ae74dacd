namespace SparseX.Engine.Reuse;

/// <summary>First-token agreement of one selector × budget with full prefill, averaged over prompts.</summary>
/// <param name="Selector">The selector.</param>
/// <param name="Budget">r.</param>
/// <param name="FullLayers">F.</param>
/// <param name="Prompts">Prompts evaluated.</param>
/// <param name="MeanKl">Mean KL(full ‖ reuse) of the first-token distributions, in nats.</param>
/// <param name="Top1Agreement">Fraction of prompts whose argmax equals full prefill's.</param>
/// <param name="MeanRecomputeRatio">Mean |R| / N of the sparse layers.</param>
public sealed record QualityPoint(SelectorKind Selector, double Budget, int FullLayers, int Prompts, double MeanKl, double Top1Agreement, double MeanRecomputeRatio);
