using TorchSharp;
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
        using Scalar two = 2.ToScalar();
        double norm = stack(grads.Values.Select(g => g.pow(two).sum()).ToArray()).sum().sqrt().item<float>();
        double clip = MaxGradNorm > 0 && norm > MaxGradNorm ? MaxGradNorm / (norm + 1e-6) : 1.0;
        double bc1 = 1 - Math.Pow(Beta1, Steps), bc2 = 1 - Math.Pow(Beta2, Steps);

        // Every Scalar is explicit and lives to the end of the step, and no call leaves TorchSharp to make one (add_(x)
        // makes alpha = 1 itself): TorchSharp passes Scalars to native code by raw handle, and a GC on another thread
        // can finalize a temporary mid-call ("Unknown scalar type" / "toFloat" crashes on the GPU and in CI).
        using Scalar clipS = clip.ToScalar(), beta1 = Beta1.ToScalar(), oneMinusBeta1 = (1 - Beta1).ToScalar();
        using Scalar beta2 = Beta2.ToScalar(), oneMinusBeta2 = (1 - Beta2).ToScalar(), invBc2 = (1 / bc2).ToScalar();
        using Scalar one = 1.ToScalar(), eps = 1e-8.ToScalar(), decay = (1 - (lr * WeightDecay)).ToScalar(), step = (-lr / bc1).ToScalar();
        foreach (var (name, p) in _params)
        {
            Tensor g = clip < 1.0 ? grads[name].mul(clipS) : grads[name];
            M[name].mul_(beta1).add_(g, alpha: oneMinusBeta1);
            V[name].mul_(beta2).addcmul_(g, g, value: oneMinusBeta2);
            if (p.dim() > 1)
            {
                p.mul_(decay);
            }

            p.addcdiv_(M[name], V[name].mul(invBc2).sqrt_().add_(eps, one), value: step);
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
