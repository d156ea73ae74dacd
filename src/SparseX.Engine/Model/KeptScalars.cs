using TorchSharp;

namespace SparseX.Engine.Model;

/// <summary>
/// Scalars that live for the whole process, for the per-layer hot path. TorchSharp passes a Scalar to native code
/// by raw handle, and a temporary one — an implicit conversion, or the alpha = 1 that <c>add(x)</c> makes inside
/// TorchSharp — can be finalized by a GC on another thread while the call still uses it ("Unknown scalar type",
/// "toFloat"; 3 of 7 GPU training runs, and a CPU test). Hot-path code passes these, and an explicit alpha to add.
/// </summary>
internal static class KeptScalars
{
    /// <summary>Gets 1 (add's alpha).</summary>
    public static Scalar One { get; } = 1.ToScalar();

    /// <summary>Gets 2 (squares).</summary>
    public static Scalar Two { get; } = 2.ToScalar();

    /// <summary>Gets −∞ (masked attention scores).</summary>
    public static Scalar NegativeInfinity { get; } = float.NegativeInfinity.ToScalar();
}
