using TorchSharp;
using static TorchSharp.torch;

namespace SparseX.Engine.Model;

/// <summary>
/// Rotary position embedding in the Hugging Face layout (rotate_half: pairs (i, i + d/2)), with the
/// model's own inv_freq (default, linear, llama3) computed in fp32 exactly as transformers does. Also the
/// rotation of already-embedded keys by a position shift Δ, the "alignment" of DESIGN §4 step 1.
/// </summary>
public sealed class Rope : IDisposable
{
    private readonly Tensor _invFreq;

    /// <summary>Initializes a new instance of the <see cref="Rope"/> class.</summary>
    /// <param name="scaling">The RoPE parameters.</param>
    /// <param name="headDim">The rotary dimension (the head dimension).</param>
    /// <param name="device">Where tables are computed.</param>
    public Rope(RopeScaling scaling, int headDim, Device device)
    {
        ArgumentNullException.ThrowIfNull(scaling);
        Scaling = scaling;
        HeadDim = headDim;
        using var scope = NewDisposeScope();
        Tensor inv = ComputeInvFreq(scaling, headDim);
        _invFreq = inv.to(device).DetachFromDisposeScope();
    }

    /// <summary>Gets the RoPE parameters.</summary>
    public RopeScaling Scaling { get; }

    /// <summary>Gets the rotary dimension.</summary>
    public int HeadDim { get; }

    /// <summary>
    /// Gets a value indicating whether cached keys can be moved exactly by <see cref="RotateBy"/>: true for
    /// every variant whose angle is linear in the position (all the engine loads today). A future
    /// position-dependent variant (dynamic NTK, YaRN, LongRoPE) must return false so segments are recomputed.
    /// </summary>
    public bool SupportsExactShift => Scaling.Type is RopeType.Default or RopeType.Linear or RopeType.Llama3;

    /// <summary>Gets inv_freq, fp32 [HeadDim / 2].</summary>
    public Tensor InvFreq => _invFreq;

    /// <summary>Computes inv_freq for a RoPE variant (fp32, as transformers' rope init functions).</summary>
    /// <param name="scaling">The RoPE parameters.</param>
    /// <param name="headDim">The rotary dimension.</param>
    /// <returns>inv_freq, fp32 [headDim / 2] on the CPU.</returns>
    public static Tensor ComputeInvFreq(RopeScaling scaling, int headDim)
    {
        ArgumentNullException.ThrowIfNull(scaling);
        using var scope = NewDisposeScope();
        Tensor exponents = arange(0, headDim, 2, dtype: ScalarType.Int64).to(ScalarType.Float32) / headDim;
        Tensor inv = 1.0f / pow(tensor((float)scaling.Theta, ScalarType.Float32), exponents);
        switch (scaling.Type)
        {
            case RopeType.Linear:
                inv = inv / (float)scaling.Factor;
                break;
            case RopeType.Llama3:
                double oldContext = scaling.OriginalMaxPositionEmbeddings;
                double lowWavelen = oldContext / scaling.LowFreqFactor;
                double highWavelen = oldContext / scaling.HighFreqFactor;
                Tensor wavelen = 2 * Math.PI / inv;
                Tensor scaled = where(wavelen > lowWavelen, inv / scaling.Factor, inv);
                Tensor smooth = ((oldContext / wavelen) - scaling.LowFreqFactor) / (scaling.HighFreqFactor - scaling.LowFreqFactor);
                Tensor smoothed = ((1 - smooth) * scaled / scaling.Factor) + (smooth * scaled);
                Tensor medium = (wavelen >= highWavelen).logical_and(wavelen <= lowWavelen);
                inv = where(medium, smoothed, scaled);
                break;
        }

        return inv.to(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    /// <summary>Cos/sin tables for the given positions, fp32 [R, HeadDim].</summary>
    /// <param name="positions">Int64 positions [R].</param>
    /// <returns>The tables.</returns>
    public (Tensor Cos, Tensor Sin) Tables(Tensor positions)
    {
        using var scope = NewDisposeScope();
        Tensor freqs = positions.to(ScalarType.Float32).unsqueeze(1) * _invFreq.unsqueeze(0);
        Tensor emb = cat(new[] { freqs, freqs }, 1);
        return (emb.cos().MoveToOuterDisposeScope(), emb.sin().MoveToOuterDisposeScope());
    }

    /// <summary>Applies RoPE to <paramref name="x"/> [R, heads, HeadDim] with tables [R, HeadDim].</summary>
    /// <param name="x">Queries or keys.</param>
    /// <param name="cos">Cosine table.</param>
    /// <param name="sin">Sine table.</param>
    /// <returns>The rotated tensor, in x's dtype.</returns>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        using var scope = NewDisposeScope();
        Tensor c = cos.unsqueeze(1).to(x.dtype);
        Tensor s = sin.unsqueeze(1).to(x.dtype);
        return (x * c).add(RotateHalf(x) * s, KeptScalars.One).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Rotates keys that were embedded at positions p to positions p + <paramref name="delta"/>:
    /// RoPE(p + Δ) = R(Δ)·RoPE(p), exact for every variant whose angle is linear in the position
    /// (default, linear, llama3). Angles are computed in fp32; the result has k's dtype.
    /// </summary>
    /// <param name="k">Post-RoPE keys [T, heads, HeadDim].</param>
    /// <param name="delta">The position shift.</param>
    /// <returns>The rotated keys.</returns>
    public Tensor RotateBy(Tensor k, long delta)
    {
        if (delta == 0)
        {
            return k.clone();
        }

        using var scope = NewDisposeScope();
        using Scalar shift = ((float)delta).ToScalar();
        Tensor angle = _invFreq.mul(shift);
        Tensor emb = cat(new[] { angle, angle }, 0);
        Tensor kf = k.to(ScalarType.Float32);
        Tensor rotated = (kf * emb.cos()).add(RotateHalf(kf) * emb.sin(), KeptScalars.One);
        return rotated.to(k.dtype).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public void Dispose() => _invFreq.Dispose();

    private static Tensor RotateHalf(Tensor x)
    {
        long half = x.shape[^1] / 2;
        Tensor x1 = x.narrow(-1, 0, half);
        Tensor x2 = x.narrow(-1, half, half);
        return cat(new[] { -x2, x1 }, -1);
    }
}
