using SparseX.Engine.Cache;
using SparseX.Engine.Runtime;
using static TorchSharp.torch;

namespace SparseX.Engine.Tests;

public class CacheTests
{
    public CacheTests() => TorchRuntime.Initialize();

    private static (Tensor K, Tensor V) Kv(int tokens) => (zeros(2, tokens, 1, 4), zeros(2, tokens, 1, 4)); // 64 bytes per token each

    [Fact]
    public void SegmentStoreEvictsLeastRecentlyUsedUnderItsBudgetAndNeverALeasedOne()
    {
        using var store = new SegmentStore("fp", budgetBytes: 3 * 2 * 10 * 32);
        string[] keys = Enumerable.Range(0, 4).Select(i => store.KeyOf("ns", new[] { i })).ToArray();
        for (int i = 0; i < 3; i++)
        {
            var (k, v) = Kv(10);
            Assert.True(store.Add("ns", keys[i], k, v, origin: i));
        }

        using (store.TryAcquire("ns", keys[0]))
        {
            // keys[0] is leased and was used last; keys[1] is the LRU victim.
            var (k, v) = Kv(10);
            Assert.True(store.Add("ns", keys[3], k, v, 0));
        }

        Assert.True(store.Contains("ns", keys[0]));
        Assert.False(store.Contains("ns", keys[1]));
        Assert.True(store.Contains("ns", keys[2]));
        SegmentStoreStats stats = store.Stats;
        Assert.Equal((3, 1L, 1L, 0L), (stats.Entries, stats.Evictions, stats.Hits, stats.Misses));
        Assert.True(stats.Bytes <= stats.BudgetBytes);
    }

    [Fact]
    public void SegmentStoreKeysIncludeNamespaceAndLookupsRequireIt()
    {
        using var store = new SegmentStore("fp", 1 << 20);
        int[] ids = { 1, 2, 3 };
        Assert.NotEqual(store.KeyOf("a", ids), store.KeyOf("b", ids));
        string key = store.KeyOf("a", ids);
        var (k, v) = Kv(3);
        store.Add("a", key, k, v, 0);
        Assert.Null(store.TryAcquire("b", key));
        using SegmentLease? lease = store.TryAcquire("a", key);
        Assert.NotNull(lease);
        Assert.Equal(3, lease!.Length);
    }

    [Fact]
    public void SegmentLargerThanTheBudgetIsNotStored()
    {
        using var store = new SegmentStore("fp", 100);
        var (k, v) = Kv(10);
        Assert.False(store.Add("ns", store.KeyOf("ns", new[] { 1 }), k, v, 0));
        Assert.Equal(0, store.Stats.Entries);
    }

    [Fact]
    public void PrefixCacheSharesExactBlocksAndForgetsBlocksThePoolReuses()
    {
        PrefixCache? cache = null;
        using var pool = new KvBlockPool(1, 1, 2, numBlocks: 4, blockSize: 4, ScalarType.Float32, CPU, b => cache?.Forget(b));
        cache = new PrefixCache(pool);
        int[] tokens = Enumerable.Range(10, 10).ToArray(); // 2 full blocks + 2 tokens

        using (var first = new BlockTable(pool))
        {
            first.EnsureCapacity(tokens.Length);
            cache.Register("ns", tokens, tokens.Length, first);
            Assert.Equal(2, cache.CachedBlocks);
        }

        Assert.Equal(0, pool.UsedBlocks);
        using (var second = new BlockTable(pool))
        {
            Assert.Equal(8, cache.Match("ns", tokens, tokens.Length - 1, second));
            Assert.Equal(2, pool.UsedBlocks);
        }

        using (var other = new BlockTable(pool))
        {
            Assert.Equal(0, cache.Match("other-namespace", tokens, tokens.Length - 1, other));
        }

        // Allocating every block evicts the cached ones.
        using (var filler = new BlockTable(pool))
        {
            filler.EnsureCapacity(16);
        }

        Assert.Equal(0, cache.CachedBlocks);
    }

    [Fact]
    public void DeepestBlocksAreEvictedFirst()
    {
        PrefixCache? cache = null;
        using var pool = new KvBlockPool(1, 1, 2, numBlocks: 4, blockSize: 2, ScalarType.Float32, CPU, b => cache?.Forget(b));
        cache = new PrefixCache(pool);
        int[] tokens = { 1, 2, 3, 4, 5, 6 };
        using (var t = new BlockTable(pool))
        {
            t.EnsureCapacity(6);
            cache.Register("ns", tokens, 6, t);
        }

        // One new block is taken from the LRU end; after the first free block (never used), the next
        // victim must be the deepest cached block, so the 2-block prefix survives.
        using var a = new BlockTable(pool);
        a.EnsureCapacity(4);
        using var probe = new BlockTable(pool);
        Assert.Equal(4, cache.Match("ns", tokens, 6, probe));
    }

    [Fact]
    public void ExhaustedPoolThrowsAClearErrorAndAllocatesNothing()
    {
        using var pool = new KvBlockPool(1, 1, 2, numBlocks: 2, blockSize: 4, ScalarType.Float32, CPU);
        using var t = new BlockTable(pool);
        var ex = Assert.Throws<KvCacheExhaustedException>(() => t.EnsureCapacity(9));
        Assert.Contains("3 more blocks", ex.Message);
        Assert.Equal(0, pool.UsedBlocks);
    }
}
