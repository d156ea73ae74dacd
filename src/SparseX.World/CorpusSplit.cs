namespace SparseX.World;

/// <summary>Which entity names a conversation draws.</summary>
public enum CorpusSplit
{
    /// <summary>Training names.</summary>
    Train,

    /// <summary>Held-out names (evaluation only).</summary>
    HeldOut,
}
