namespace SparseX.Engine.Reuse;

/// <summary>A segment's place in a request: tokens [Start, Start + Length) of the prompt.</summary>
/// <param name="Start">First position.</param>
/// <param name="Length">Token count.</param>
/// <param name="Kind">The kind.</param>
/// <param name="Id">The caller's id, if any.</param>
/// <param name="Key">The content key in the segment store.</param>
public sealed record LayoutSegment(int Start, int Length, SegmentKind Kind, string? Id, string Key)
{
    /// <summary>Gets the position after the last token.</summary>
    public int End => Start + Length;
}
