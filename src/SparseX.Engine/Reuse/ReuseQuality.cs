using SparseX.Engine.Model;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace SparseX.Engine.Reuse;

/// <summary>
/// Measures how close each selector × budget gets to full prefill on seeded <see cref="ReuseScenario"/>s
/// (segments cached by an earlier request in another order after another prefix): first-token KL
/// divergence and top-1 agreement. On random-weight models this says little about real quality; the
/// project's trained model is the meaningful target.
/// </summary>
public static class ReuseQuality
{
    /// <summary>Evaluates a grid.</summary>
    /// <param name="model">The model.</param>
    /// <param name="selectors">Selectors to compare.</param>
    /// <param name="budgets">Budgets r.</param>
    /// <param name="fullLayers">F.</param>
    /// <param name="seeds">Scenario seeds (one prompt each).</param>
    /// <returns>One point per selector × budget.</returns>
    public static IReadOnlyList<QualityPoint> Evaluate(DecoderModel model, IReadOnlyList<SelectorKind> selectors, IReadOnlyList<double> budgets, int fullLayers, IReadOnlyList<int> seeds)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(selectors);
        ArgumentNullException.ThrowIfNull(budgets);
        ArgumentNullException.ThrowIfNull(seeds);
        var scenarios = seeds.Select(s => ReuseScenario.Create(s, model.Config.VocabSize)).ToArray();
        var references = new List<Tensor>();
        using var scope = NewDisposeScope();
        foreach (ReuseScenario scenario in scenarios)
        {
            using var h = new ReuseHarness(model);
            references.Add(h.FirstLogits(h.Layout(scenario.Query), new ReusePolicy { Mode = ReuseMode.FullPrefill }, out _));
        }

        var points = new List<QualityPoint>();
        foreach (SelectorKind selector in selectors)
        {
            foreach (double budget in selector == SelectorKind.None ? new[] { 0.0 } : budgets)
            {
                // m = 0: every selector on its own (None stays naive reuse); `sparsex quality --boundary-tokens` measures m.
                var policy = new ReusePolicy { Selector = selector, Budget = budget, FullLayers = fullLayers, BoundaryTokens = 0 };
                double kl = 0, agree = 0, ratio = 0;
                for (int i = 0; i < scenarios.Length; i++)
                {
                    using var stepScope = NewDisposeScope();
                    using var h = new ReuseHarness(model);
                    h.FirstLogits(h.Layout(scenarios[i].Earlier), new ReusePolicy { Mode = ReuseMode.FullPrefill }, out _);
                    Tensor logits = h.FirstLogits(h.Layout(scenarios[i].Query), policy, out ReuseReport report);
                    kl += KlDivergence(references[i], logits);
                    agree += references[i].argmax().item<long>() == logits.argmax().item<long>() ? 1 : 0;
                    ratio += (double)(report.NewTokens + report.RecomputedTokens) / report.TotalTokens;
                }

                int n = scenarios.Length;
                points.Add(new QualityPoint(selector, budget, fullLayers, n, kl / n, agree / n, ratio / n));
            }
        }

        return points;
    }

    /// <summary>KL(p ‖ q) in nats between the softmax distributions of two logit vectors.</summary>
    /// <param name="reference">Logits of p.</param>
    /// <param name="candidate">Logits of q.</param>
    /// <returns>The divergence.</returns>
    public static double KlDivergence(Tensor reference, Tensor candidate)
    {
        using var scope = NewDisposeScope();
        Tensor logP = F.log_softmax(reference.to(ScalarType.Float64), -1);
        Tensor logQ = F.log_softmax(candidate.to(ScalarType.Float64), -1);
        return (logP.exp() * (logP - logQ)).sum().item<double>();
    }
}
