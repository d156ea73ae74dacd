using SparseX.Engine.Reuse;
using SparseX.World;

namespace SparseX.Cli.Quality;

/// <summary>Accumulates one configuration's per-question outcomes into a <see cref="QualityResult"/>.</summary>
/// <param name="configuration">The configuration.</param>
internal sealed class QualityTally(QualityConfiguration configuration)
{
    private readonly Dictionary<QuestionKind, (int Correct, int Total)> _byKind = [];
    private readonly List<double> _recalls = [];
    private int _questions, _correct;
    private double _delta, _deltaSquares;
    private double _kl, _prompt, _prefix, _reused, _recomputed, _new, _ratio, _seconds;

    /// <summary>Gets the configuration.</summary>
    public QualityConfiguration Configuration { get; } = configuration;

    /// <summary>Adds one question's outcome.</summary>
    /// <param name="kind">The question's kind.</param>
    /// <param name="correct">Whether the answer matched.</param>
    /// <param name="fullCorrect">Whether full prefill's answer to the same question matched (for the paired difference).</param>
    /// <param name="kl">First-token KL against full prefill.</param>
    /// <param name="recall">Oracle recall, when the configuration selects.</param>
    /// <param name="report">The prefill's report.</param>
    /// <param name="seconds">Wall time of the prefill and decode.</param>
    public void Add(QuestionKind kind, bool correct, bool fullCorrect, double kl, double? recall, ReuseReport report, double seconds)
    {
        _questions++;
        _correct += correct ? 1 : 0;
        int delta = (correct ? 1 : 0) - (fullCorrect ? 1 : 0);
        _delta += delta;
        _deltaSquares += delta * delta;
        var (c, t) = _byKind.GetValueOrDefault(kind);
        _byKind[kind] = (c + (correct ? 1 : 0), t + 1);
        _kl += kl;
        if (recall is double r)
        {
            _recalls.Add(r);
        }

        _prompt += report.TotalTokens;
        _prefix += report.PrefixHitTokens;
        _reused += report.ReusedTokens;
        _recomputed += report.RecomputedTokens;
        _new += report.NewTokens;
        _ratio += (double)(report.NewTokens + report.RecomputedTokens) / report.TotalTokens;
        _seconds += seconds;
    }

    /// <summary>The means over the questions added.</summary>
    /// <returns>The result row.</returns>
    public QualityResult ToResult()
    {
        int n = Math.Max(1, _questions);
        QualityConfiguration c = Configuration;
        return new QualityResult(
            c.Name,
            c.Mode,
            c.Selector,
            c.Budget,
            c.FullLayers,
            _questions,
            (double)_correct / n,
            _kl / n,
            _recalls.Count == 0 ? null : _recalls.Average(),
            _byKind.OrderBy(kv => kv.Key).ToDictionary(kv => kv.Key.ToString(), kv => (double)kv.Value.Correct / kv.Value.Total),
            _byKind.OrderBy(kv => kv.Key).ToDictionary(kv => kv.Key.ToString(), kv => kv.Value.Total),
            _prompt / n,
            _prefix / n,
            _reused / n,
            _recomputed / n,
            _new / n,
            _ratio / n,
            _seconds,
            c.BoundaryTokens,
            c.SelectionLayer,
            _delta / n,
            DeltaCi95());
    }

    /// <summary>The half-width of the normal 95% interval of the mean paired difference from full prefill:
    /// 1.96 · s / √n with s the sample standard deviation of the per-question differences (−1, 0 or 1); null below two
    /// questions. The questions are the same for every configuration, so the paired interval is the one that says whether
    /// a gap between a configuration and full prefill is more than the draw of questions.</summary>
    private double? DeltaCi95()
    {
        if (_questions < 2)
        {
            return null;
        }

        double mean = _delta / _questions;
        double variance = Math.Max(0, (_deltaSquares - (_questions * mean * mean)) / (_questions - 1));
        return 1.96 * Math.Sqrt(variance / _questions);
    }
}
