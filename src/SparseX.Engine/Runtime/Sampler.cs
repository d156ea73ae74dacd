namespace SparseX.Engine.Runtime;

/// <summary>
/// Chooses the next token from fp32 logits: greedy, or temperature / top-k / top-p sampling with a
/// seeded <see cref="Random"/> on the host, so a seed reproduces the same tokens on any device.
/// </summary>
public sealed class Sampler
{
    private readonly GenerationOptions _options;
    private readonly Random _random;

    /// <summary>Initializes a new instance of the <see cref="Sampler"/> class.</summary>
    /// <param name="options">The decoding options.</param>
    public Sampler(GenerationOptions options)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _random = options.Seed is { } seed ? new Random(seed) : new Random();
    }

    /// <summary>Picks the next token.</summary>
    /// <param name="logits">The logits of one row.</param>
    /// <returns>The token id.</returns>
    public int Next(ReadOnlySpan<float> logits)
    {
        if (_options.Temperature <= 0)
        {
            return ArgMax(logits);
        }

        // Candidates sorted by logit, descending; ties broken by id so the order is deterministic.
        int[] order = new int[logits.Length];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        float[] copy = logits.ToArray();
        Array.Sort(order, (a, b) => copy[b] != copy[a] ? copy[b].CompareTo(copy[a]) : a.CompareTo(b));
        int keep = _options.TopK > 0 ? Math.Min(_options.TopK, order.Length) : order.Length;

        double max = copy[order[0]] / _options.Temperature;
        double[] probs = new double[keep];
        double sum = 0;
        for (int i = 0; i < keep; i++)
        {
            probs[i] = Math.Exp((copy[order[i]] / _options.Temperature) - max);
            sum += probs[i];
        }

        if (_options.TopP < 1)
        {
            double cumulative = 0;
            int cut = keep;
            for (int i = 0; i < keep; i++)
            {
                cumulative += probs[i] / sum;
                if (cumulative >= _options.TopP)
                {
                    cut = i + 1;
                    break;
                }
            }

            keep = cut;
            sum = probs.Take(keep).Sum();
        }

        double u = _random.NextDouble() * sum;
        for (int i = 0; i < keep; i++)
        {
            u -= probs[i];
            if (u <= 0)
            {
                return order[i];
            }
        }

        return order[keep - 1];
    }

    /// <summary>Index of the largest logit (first on ties).</summary>
    /// <param name="logits">The logits.</param>
    /// <returns>The token id.</returns>
    public static int ArgMax(ReadOnlySpan<float> logits)
    {
        int best = 0;
        for (int i = 1; i < logits.Length; i++)
        {
            if (logits[i] > logits[best])
            {
                best = i;
            }
        }

        return best;
    }
}
