namespace SparseX.Engine.Reuse;

/// <summary>How a request may use cached KV.</summary>
public enum ReuseMode
{
    /// <summary>Compute every token; ignore all caches (the reference).</summary>
    FullPrefill,

    /// <summary>Reuse only the exact prefix (prefix cache); compute the rest.</summary>
    PrefixOnly,

    /// <summary>Prefix cache plus segment reuse with selective recompute (SparseX).</summary>
    Reuse,
}
