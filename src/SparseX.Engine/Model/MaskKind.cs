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
}
