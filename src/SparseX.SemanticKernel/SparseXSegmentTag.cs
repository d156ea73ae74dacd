using SparseX.Engine.Reuse;

namespace SparseX.SemanticKernel;

/// <summary>An explicit segment tag on a chat message or content.</summary>
/// <param name="Kind">The segment kind.</param>
/// <param name="Id">The caller's id, or null (reporting only; the cache key is the content).</param>
public readonly record struct SparseXSegmentTag(SegmentKind Kind, string? Id = null);
