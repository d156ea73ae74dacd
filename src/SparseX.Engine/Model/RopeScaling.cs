namespace SparseX.Engine.Model;

/// <summary>The rotary-embedding variants the engine supports exactly.</summary>
public enum RopeType
{
    /// <summary>Plain RoPE: inv_freq = θ^(−2i/d).</summary>
    Default,

    /// <summary>Position interpolation: inv_freq / factor.</summary>
    Linear,

    /// <summary>Llama 3.1 frequency-dependent scaling.</summary>
    Llama3,
}

/// <summary>RoPE parameters read from <c>config.json</c> (<c>rope_scaling</c> or <c>rope_parameters</c>).</summary>
/// <param name="Type">The variant.</param>
/// <param name="Theta">The base θ.</param>
/// <param name="Factor">Scaling factor (linear, llama3).</param>
/// <param name="LowFreqFactor">Llama 3 low-frequency factor.</param>
/// <param name="HighFreqFactor">Llama 3 high-frequency factor.</param>
/// <param name="OriginalMaxPositionEmbeddings">Llama 3 original context length.</param>
public sealed record RopeScaling(
    RopeType Type,
    double Theta,
    double Factor = 1.0,
    double LowFreqFactor = 1.0,
    double HighFreqFactor = 4.0,
    int OriginalMaxPositionEmbeddings = 8192);
