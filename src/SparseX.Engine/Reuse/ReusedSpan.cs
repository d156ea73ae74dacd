using SparseX.Engine.Cache;

namespace SparseX.Engine.Reuse;

/// <summary>
/// Prompt tokens [Start, Start + Length) whose KV comes from a stored segment: rows
/// [LeaseOffset, LeaseOffset + Length) of <see cref="Lease"/>.
/// </summary>
/// <param name="Start">First prompt position.</param>
/// <param name="Length">Token count.</param>
/// <param name="Lease">The stored segment.</param>
/// <param name="LeaseOffset">First stored row used.</param>
public sealed record ReusedSpan(int Start, int Length, SegmentLease Lease, int LeaseOffset)
{
    /// <summary>Gets Δ = new position − stored position.</summary>
    public int Delta => Start - (Lease.Origin + LeaseOffset);

    /// <summary>Gets a value indicating whether the span moved (Δ ≠ 0).</summary>
    public bool Moved => Delta != 0;
}
