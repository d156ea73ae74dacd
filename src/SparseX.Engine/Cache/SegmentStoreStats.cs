namespace SparseX.Engine.Cache;

/// <summary>Counters of a <see cref="SegmentStore"/>.</summary>
/// <param name="Entries">Segments held.</param>
/// <param name="Bytes">Bytes held.</param>
/// <param name="BudgetBytes">The byte budget.</param>
/// <param name="Hits">Lookups that found a segment.</param>
/// <param name="Misses">Lookups that did not.</param>
/// <param name="Evictions">Segments evicted to stay under budget.</param>
public sealed record SegmentStoreStats(int Entries, long Bytes, long BudgetBytes, long Hits, long Misses, long Evictions);
