using static TorchSharp.torch;

namespace SparseX.Engine.Cache;

/// <summary>
/// The preallocated KV cache of DESIGN §5: one tensor <c>[layers][2][blocks·block_size][kv_heads][head_dim]</c>
/// on the model's device, handed out in fixed-size blocks. Blocks are reference-counted so the prefix
/// cache can share them between sequences. Token t of a sequence lives in slot
/// <c>table[t / BlockSize] · BlockSize + t % BlockSize</c>. Free blocks keep their contents and form an
/// LRU list (released last = reused last), so the prefix cache can revive them until they are handed out
/// again. Not thread-safe: the engine thread owns it.
/// </summary>
public sealed class KvBlockPool : IDisposable
{
    private readonly Tensor _kv;
    private readonly Tensor[] _keys;
    private readonly Tensor[] _values;
    private readonly int[] _refCounts;
    private readonly LinkedList<int> _free = new();
    private readonly LinkedListNode<int>?[] _freeNodes;
    private readonly Action<int>? _onEvicted;

    /// <summary>Initializes a new instance of the <see cref="KvBlockPool"/> class.</summary>
    /// <param name="layers">Decoder layers.</param>
    /// <param name="kvHeads">KV heads.</param>
    /// <param name="headDim">Head dimension.</param>
    /// <param name="numBlocks">Blocks to allocate.</param>
    /// <param name="blockSize">Tokens per block.</param>
    /// <param name="dtype">Cache dtype.</param>
    /// <param name="device">Cache device.</param>
    /// <param name="onEvicted">Called when a free block is handed out for new contents (its old contents are gone).</param>
    public KvBlockPool(int layers, int kvHeads, int headDim, int numBlocks, int blockSize, ScalarType dtype, Device device, Action<int>? onEvicted = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numBlocks, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, 1);
        Layers = layers;
        BlockSize = blockSize;
        NumBlocks = numBlocks;
        _kv = empty(new long[] { layers, 2, (long)numBlocks * blockSize, kvHeads, headDim }, dtype, device);
        _keys = new Tensor[layers];
        _values = new Tensor[layers];
        for (int l = 0; l < layers; l++)
        {
            _keys[l] = _kv[l, 0];
            _values[l] = _kv[l, 1];
        }

        _refCounts = new int[numBlocks];
        _freeNodes = new LinkedListNode<int>?[numBlocks];
        for (int b = 0; b < numBlocks; b++)
        {
            _freeNodes[b] = _free.AddLast(b);
        }

        _onEvicted = onEvicted;
    }

    /// <summary>Gets the number of layers.</summary>
    public int Layers { get; }

    /// <summary>Gets the tokens per block.</summary>
    public int BlockSize { get; }

    /// <summary>Gets the total number of blocks.</summary>
    public int NumBlocks { get; }

    /// <summary>Gets the number of blocks with no owner.</summary>
    public int FreeBlocks => _free.Count;

    /// <summary>Gets the number of blocks owned by at least one sequence or cache.</summary>
    public int UsedBlocks => NumBlocks - _free.Count;

    /// <summary>Gets the key cache of a layer, [slots, kv_heads, head_dim] (a view; do not dispose).</summary>
    /// <param name="layer">The layer.</param>
    /// <returns>The view.</returns>
    public Tensor Keys(int layer) => _keys[layer];

    /// <summary>Gets the value cache of a layer, [slots, kv_heads, head_dim] (a view; do not dispose).</summary>
    /// <param name="layer">The layer.</param>
    /// <returns>The view.</returns>
    public Tensor Values(int layer) => _values[layer];

    /// <summary>Takes the least recently released free block, with reference count 1.</summary>
    /// <returns>The block id.</returns>
    /// <exception cref="KvCacheExhaustedException">No block is free.</exception>
    public int Allocate()
    {
        if (_free.First is not { } node)
        {
            throw new KvCacheExhaustedException($"KV cache exhausted: all {NumBlocks} blocks of {BlockSize} tokens are in use.");
        }

        int block = node.Value;
        _free.RemoveFirst();
        _freeNodes[block] = null;
        _refCounts[block] = 1;
        _onEvicted?.Invoke(block);
        return block;
    }

    /// <summary>Adds an owner to a block whose contents are still valid, taking it off the free list if needed.</summary>
    /// <param name="block">The block id (in use, or free but not yet handed out again).</param>
    public void Share(int block)
    {
        if (_freeNodes[block] is { } node)
        {
            _free.Remove(node);
            _freeNodes[block] = null;
        }

        _refCounts[block]++;
    }

    /// <summary>Drops an owner; the block becomes free when none is left.</summary>
    /// <param name="block">The block id.</param>
    public void Release(int block)
    {
        if (_refCounts[block] <= 0)
        {
            throw new InvalidOperationException($"Block {block} released more often than retained.");
        }

        if (--_refCounts[block] == 0)
        {
            _freeNodes[block] = _free.AddLast(block);
        }
    }

    /// <summary>Gets the reference count of a block.</summary>
    /// <param name="block">The block id.</param>
    /// <returns>The count; 0 when free.</returns>
    public int RefCount(int block) => _refCounts[block];

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (Tensor t in _keys.Concat(_values))
        {
            t.Dispose();
        }

        _kv.Dispose();
    }
}
