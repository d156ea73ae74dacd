namespace SparseX.Engine.Model;

/// <summary>What a <see cref="RowBatch"/>'s mask amounts to.</summary>
public enum MaskKind
{
    /// <summary>Arbitrary rows: each row's own causal limit must be applied.</summary>
    Rows,

    /// <summary>Rows are positions 0..N−1 and keys 0..N−1: the standard causal triangle.</summary>
    FullCausal,

    /// <summary>Every row sees every key (e.g. decode of the last position).</summary>
    None,

    /// <summary>Rows are the last R positions P..N−1 of one sequence, keys 0..N−1: a causal triangle aligned bottom-right.</summary>
    Suffix,

    /// <summary>Rows are ascending positions of one sequence (scattered), keys 0..N−1: per-row causal limits.</summary>
    SortedRows,
}
