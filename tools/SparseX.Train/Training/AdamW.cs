using static TorchSharp.torch;

namespace SparseX.Train.Training;

/// <summary>
/// AdamW with decoupled weight decay (not on norm weights), global-norm gradient clipping and state that is
/// saved with the checkpoint (<c>adam.m.*</c>, <c>adam.v.*</c>).
/// </summary>
public sealed class AdamW : IDisposable
{
    private readonly IReadOnlyDictionary<string, Tensor> _params;

    /// <summary>Initializes a new instance of the <see cref="AdamW"/> class.</summary>
    /// <param name="parameters">The parameters by name.</param>
    public AdamW(IReadOnlyDictionary<string, Tensor> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        _params = parameters;
        foreach (var (name, p) in parameters)
        {
            M[name] = zeros_like(p).DetachFromDisposeScope();
            V[name] = zeros_like(p).DetachFromDisposeScope();
        }
    }

    /// <summary>Gets the first moments by parameter name.</summary>
    public Dictionary<string, Tensor> M { get; } = [];

    /// <summary>Gets the second moments by parameter name.</summary>
    public Dictionary<string, Tensor> V { get; } = [];

    /// <summary>Gets or sets the number of steps taken.</summary>
    public long Steps { get; set; }

    /// <summary>Gets or sets beta1.</summary>
    public double Beta1 { get; set; } = 0.9;

    /// <summary>Gets or sets beta2.</summary>
    public double Beta2 { get; set; } = 0.95;

    /// <summary>Gets or sets the weight decay.</summary>
    public double WeightDecay { get; set; } = 0.1;

    /// <summary>Gets or sets the largest gradient norm (0: no clipping).</summary>
    public double MaxGradNorm { get; set; } = 1.0;

    /// <summary>Clips gradients, updates parameters and clears gradients.</summary>
    /// <param name="lr">The learning rate.</param>
    /// <returns>The gradient norm before clipping.</returns>
    public double Step(double lr)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Steps++;
        var grads = _params.ToDictionary(kv => kv.Key, kv => kv.Value.grad ?? zeros_like(kv.Value));
        double norm = stack(grads.Values.Select(g => g.pow(2).sum()).ToArray()).sum().sqrt().item<float>();
        double clip = MaxGradNorm > 0 && norm > MaxGradNorm ? MaxGradNorm / (norm + 1e-6) : 1.0;
        double bc1 = 1 - Math.Pow(Beta1, Steps), bc2 = 1 - Math.Pow(Beta2, Steps);
        foreach (var (name, p) in _params)
        {
            Tensor g = clip < 1.0 ? grads[name] * clip : grads[name];
            M[name].mul_(Beta1).add_(g, alpha: 1 - Beta1);
            V[name].mul_(Beta2).addcmul_(g, g, value: 1 - Beta2);
            if (p.dim() > 1)
            {
                p.mul_(1 - (lr * WeightDecay));
            }

            p.addcdiv_(M[name], (V[name] / bc2).sqrt_().add_(1e-8), value: -lr / bc1);
            p.grad?.zero_();
        }

        return norm;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (Tensor t in M.Values.Concat(V.Values))
        {
            t.Dispose();
        }
    }
}
