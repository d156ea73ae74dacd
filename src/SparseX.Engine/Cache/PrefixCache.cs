namespace SparseX.Engine.Cache;

/// <summary>
/// Exact prefix reuse over the block pool (DESIGN §5): every full block whose KV was computed exactly is
/// registered under a chain hash (parent hash, namespace, token ids). A request shares the longest run of
/// matching leading blocks. Blocks stay cached after their owners release them, until the pool hands
/// them out again (LRU, deepest first). Not thread-safe: the engine thread owns it.
/// </summary>
public sealed class PrefixCache
{
    private readonly KvBlockPool _pool;
    private readonly Dictionary<string, int> _blockByHash = new(StringComparer.Ordinal);
    private readonly Dictionary<int, string> _hashByBlock = new();

    /// <summary>Initializes a new instance of the <see cref="PrefixCache"/> class.</summary>
    /// <param name="pool">The pool; call <see cref="Forget"/> from its eviction callback.</param>
    public PrefixCache(KvBlockPool pool) => _pool = pool ?? throw new ArgumentNullException(nameof(pool));

    /// <summary>Gets the number of cached blocks.</summary>
    public int CachedBlocks => _blockByHash.Count;

    /// <summary>
    /// Shares the longest cached run of leading full blocks of <paramref name="tokens"/> into an empty table.
    /// </summary>
    /// <param name="ns">The namespace.</param>
    /// <param name="tokens">The request's tokens.</param>
    /// <param name="maxTokens">At most this many tokens may match (callers keep at least one row to compute).</param>
    /// <param name="table">An empty block table that receives the shared blocks.</param>
    /// <returns>The number of matched tokens (a multiple of the block size).</returns>
    public int Match(string ns, IReadOnlyList<int> tokens, int maxTokens, BlockTable table)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(table);
        if (table.Blocks.Count != 0)
        {
            throw new ArgumentException("Prefix matching needs an empty block table.", nameof(table));
        }

        int bs = _pool.BlockSize;
        int[] ids = tokens as int[] ?? tokens.ToArray();
        string parent = string.Empty;
        int matched = 0;
        while (matched + bs <= Math.Min(maxTokens, ids.Length))
        {
            string hash = ContentHash.Chain(parent, ns, ids.AsSpan(matched, bs));
            if (!_blockByHash.TryGetValue(hash, out int block))
            {
                break;
            }

            table.AppendShared(block);
            parent = hash;
            matched += bs;
        }

        return matched;
    }

    /// <summary>Registers the full blocks of positions 0..<paramref name="exactTokens"/>−1, whose KV is exact.</summary>
    /// <param name="ns">The namespace.</param>
    /// <param name="tokens">The sequence's tokens.</param>
    /// <param name="exactTokens">How many leading tokens have exact KV.</param>
    /// <param name="table">The sequence's blocks.</param>
    public void Register(string ns, IReadOnlyList<int> tokens, int exactTokens, BlockTable table)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(table);
        int bs = _pool.BlockSize;
        int[] ids = tokens as int[] ?? tokens.ToArray();
        string parent = string.Empty;
        for (int b = 0; (b + 1) * bs <= Math.Min(exactTokens, ids.Length) && b < table.Blocks.Count; b++)
        {
            string hash = ContentHash.Chain(parent, ns, ids.AsSpan(b * bs, bs));
            int block = table.Blocks[b];
            if (!_blockByHash.ContainsKey(hash) && !_hashByBlock.ContainsKey(block))
            {
                _blockByHash[hash] = block;
                _hashByBlock[block] = hash;
            }

            parent = hash;
        }
    }

    /// <summary>Forgets every cached block (their contents stay until the pool reuses them).</summary>
    public void Clear()
    {
        _blockByHash.Clear();
        _hashByBlock.Clear();
    }

    /// <summary>Drops a block from the cache because the pool is reusing it.</summary>
    /// <param name="block">The block id.</param>
    public void Forget(int block)
    {
        if (_hashByBlock.Remove(block, out string? hash))
        {
            _blockByHash.Remove(hash);
        }
    }
}
