namespace SparseX.Engine.Cache;

/// <summary>
/// The blocks that hold one sequence's KV, in position order. Leading blocks may be shared (prefix-cache
/// hits, read-only); the rest are owned. <see cref="Dispose"/> returns every block to the pool, deepest
/// first, so the deepest blocks are evicted first (DESIGN §5).
/// </summary>
public sealed class BlockTable : IDisposable
{
    private readonly KvBlockPool _pool;
    private readonly List<int> _blocks = new();
    private bool _disposed;

    /// <summary>Initializes a new instance of the <see cref="BlockTable"/> class.</summary>
    /// <param name="pool">The pool the blocks come from.</param>
    public BlockTable(KvBlockPool pool) => _pool = pool ?? throw new ArgumentNullException(nameof(pool));

    /// <summary>Gets the pool.</summary>
    public KvBlockPool Pool => _pool;

    /// <summary>Gets the block ids in position order.</summary>
    public IReadOnlyList<int> Blocks => _blocks;

    /// <summary>Gets the number of token positions the table can hold.</summary>
    public int Capacity => _blocks.Count * _pool.BlockSize;

    /// <summary>Appends a block whose contents are already valid (shared prefix block); takes a reference.</summary>
    /// <param name="block">The block id.</param>
    public void AppendShared(int block)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _pool.Share(block);
        _blocks.Add(block);
    }

    /// <summary>Allocates blocks until <paramref name="tokens"/> positions fit. All or nothing.</summary>
    /// <param name="tokens">Positions needed.</param>
    /// <exception cref="KvCacheExhaustedException">The pool has too few free blocks.</exception>
    public void EnsureCapacity(int tokens)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int needed = ((tokens + _pool.BlockSize - 1) / _pool.BlockSize) - _blocks.Count;
        if (needed <= 0)
        {
            return;
        }

        if (needed > _pool.FreeBlocks)
        {
            throw new KvCacheExhaustedException(
                $"KV cache exhausted: {tokens} tokens need {needed} more blocks of {_pool.BlockSize}, only {_pool.FreeBlocks} of {_pool.NumBlocks} are free.");
        }

        for (int i = 0; i < needed; i++)
        {
            _blocks.Add(_pool.Allocate());
        }
    }

    /// <summary>Gets the pool slot of a position.</summary>
    /// <param name="position">The token position.</param>
    /// <returns>The slot.</returns>
    public long Slot(int position) => ((long)_blocks[position / _pool.BlockSize] * _pool.BlockSize) + (position % _pool.BlockSize);

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        for (int i = _blocks.Count - 1; i >= 0; i--)
        {
            _pool.Release(_blocks[i]);
        }

        _blocks.Clear();
    }
}
