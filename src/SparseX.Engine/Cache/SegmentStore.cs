using static TorchSharp.torch;

namespace SparseX.Engine.Cache;

/// <summary>
/// Content-keyed KV of segments (DESIGN §5): per segment, every layer's post-RoPE K and V plus the
/// position they were computed at. Keys include the model fingerprint and the namespace, and lookups
/// require the namespace to match, so one tenant never sees another's segments. LRU eviction by bytes
/// under a budget skips segments that are leased. Thread-safe.
/// </summary>
public sealed class SegmentStore : IDisposable
{
    private readonly object _gate = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<string> _lru = new();
    private long _bytes;
    private long _hits;
    private long _misses;
    private long _evictions;

    /// <summary>Initializes a new instance of the <see cref="SegmentStore"/> class.</summary>
    /// <param name="modelFingerprint">Identifies the model weights; part of every key.</param>
    /// <param name="budgetBytes">The byte budget.</param>
    public SegmentStore(string modelFingerprint, long budgetBytes)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelFingerprint);
        ArgumentOutOfRangeException.ThrowIfNegative(budgetBytes);
        ModelFingerprint = modelFingerprint;
        BudgetBytes = budgetBytes;
    }

    /// <summary>Gets the model fingerprint.</summary>
    public string ModelFingerprint { get; }

    /// <summary>Gets the byte budget.</summary>
    public long BudgetBytes { get; }

    /// <summary>Gets the counters.</summary>
    public SegmentStoreStats Stats
    {
        get
        {
            lock (_gate)
            {
                return new SegmentStoreStats(_entries.Count, _bytes, BudgetBytes, _hits, _misses, _evictions);
            }
        }
    }

    /// <summary>Computes the key of a segment.</summary>
    /// <param name="ns">The namespace.</param>
    /// <param name="tokens">The segment's tokens.</param>
    /// <returns>The key.</returns>
    public string KeyOf(string ns, ReadOnlySpan<int> tokens) => ContentHash.Segment(ModelFingerprint, ns, tokens);

    /// <summary>Gets whether a segment is stored (does not count as a lookup).</summary>
    /// <param name="ns">The namespace.</param>
    /// <param name="key">The key.</param>
    /// <returns>True if present.</returns>
    public bool Contains(string ns, string key)
    {
        lock (_gate)
        {
            return _entries.TryGetValue(key, out Entry? e) && e.Namespace == ns;
        }
    }

    /// <summary>Looks a segment up and leases it.</summary>
    /// <param name="ns">The requesting namespace.</param>
    /// <param name="key">The key.</param>
    /// <returns>A lease, or null on a miss.</returns>
    public SegmentLease? TryAcquire(string ns, string key)
    {
        lock (_gate)
        {
            if (!_entries.TryGetValue(key, out Entry? e) || e.Namespace != ns)
            {
                _misses++;
                return null;
            }

            _hits++;
            e.Leases++;
            _lru.Remove(e.Node);
            _lru.AddLast(e.Node);
            return new SegmentLease(e.Keys, e.Values, e.Origin, () => Release(key));
        }
    }

    /// <summary>Stores a segment, taking ownership of the tensors. Ignored (tensors disposed) if present or larger than the budget.</summary>
    /// <param name="ns">The namespace.</param>
    /// <param name="key">The key from <see cref="KeyOf"/>.</param>
    /// <param name="keys">Post-RoPE keys [layers, tokens, kv_heads, head_dim].</param>
    /// <param name="values">Values, same shape.</param>
    /// <param name="origin">The position of the first token.</param>
    /// <returns>True if stored.</returns>
    public bool Add(string ns, string key, Tensor keys, Tensor values, int origin)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(values);
        long bytes = (keys.NumberOfElements * keys.ElementSize) + (values.NumberOfElements * values.ElementSize);
        lock (_gate)
        {
            if (_entries.ContainsKey(key) || bytes > BudgetBytes)
            {
                keys.Dispose();
                values.Dispose();
                return false;
            }

            for (LinkedListNode<string>? node = _lru.First; node is not null && _bytes + bytes > BudgetBytes;)
            {
                LinkedListNode<string>? next = node.Next;
                Entry victim = _entries[node.Value];
                if (victim.Leases == 0)
                {
                    Remove(node.Value, victim);
                    _evictions++;
                }

                node = next;
            }

            if (_bytes + bytes > BudgetBytes)
            {
                keys.Dispose();
                values.Dispose();
                return false;
            }

            var entry = new Entry(ns, keys, values, origin, bytes, _lru.AddLast(key));
            _entries[key] = entry;
            _bytes += bytes;
            return true;
        }
    }

    /// <summary>Drops every unleased segment.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            foreach (var (key, e) in _entries.Where(p => p.Value.Leases == 0).ToArray())
            {
                Remove(key, e);
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var (key, e) in _entries.ToArray())
            {
                Remove(key, e);
            }
        }
    }

    private void Release(string key)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue(key, out Entry? e))
            {
                e.Leases--;
            }
        }
    }

    private void Remove(string key, Entry e)
    {
        _entries.Remove(key);
        _lru.Remove(e.Node);
        _bytes -= e.Bytes;
        e.Keys.Dispose();
        e.Values.Dispose();
    }

    private sealed class Entry(string ns, Tensor keys, Tensor values, int origin, long bytes, LinkedListNode<string> node)
    {
        public string Namespace { get; } = ns;

        public Tensor Keys { get; } = keys;

        public Tensor Values { get; } = values;

        public int Origin { get; } = origin;

        public long Bytes { get; } = bytes;

        public LinkedListNode<string> Node { get; } = node;

        public int Leases { get; set; }
    }
}
