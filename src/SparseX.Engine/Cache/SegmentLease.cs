using static TorchSharp.torch;

namespace SparseX.Engine.Cache;

/// <summary>
/// A reference to a stored segment's KV, held while a request reads it; the store does not evict a
/// segment with live leases. The tensors are the shared copy: read them, never write them.
/// </summary>
public sealed class SegmentLease : IDisposable
{
    private readonly Action _release;
    private int _released;

    internal SegmentLease(Tensor keys, Tensor values, int origin, Action release)
    {
        Keys = keys;
        Values = values;
        Origin = origin;
        _release = release;
    }

    /// <summary>Gets the post-RoPE keys [layers, tokens, kv_heads, head_dim] at the original positions.</summary>
    public Tensor Keys { get; }

    /// <summary>Gets the values [layers, tokens, kv_heads, head_dim].</summary>
    public Tensor Values { get; }

    /// <summary>Gets the position of the segment's first token when its KV was computed.</summary>
    public int Origin { get; }

    /// <summary>Gets the number of tokens.</summary>
    public int Length => (int)Keys.shape[1];

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            _release();
        }
    }
}
