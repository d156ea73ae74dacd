namespace SparseX.Engine.Cache;

/// <summary>The KV block pool has too few free blocks for a request.</summary>
public sealed class KvCacheExhaustedException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="KvCacheExhaustedException"/> class.</summary>
    /// <param name="message">What was asked for and what is free.</param>
    public KvCacheExhaustedException(string message)
        : base(message)
    {
    }
}
