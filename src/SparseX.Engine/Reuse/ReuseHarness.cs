using Microsoft.Extensions.Logging.Abstractions;
using SparseX.Engine.Cache;
using SparseX.Engine.Model;
using SparseX.Engine.Runtime;
using static TorchSharp.torch;

namespace SparseX.Engine.Reuse;

/// <summary>
/// A model with its own pool, prefix cache and segment store, driven synchronously on the calling thread
/// and exposing first-token logits. Used by <c>sparsex reuse-check</c>, <c>reuse-quality</c> and the
/// tests to compare reuse modes on identical inputs; the engine uses the same <see cref="ReusePrefill"/>.
/// </summary>
public sealed class ReuseHarness : IDisposable
{
    private readonly DecoderModel _model;
    private readonly KvBlockPool _pool;
    private readonly PrefixCache _prefixCache;
    private readonly ReusePrefill _prefill;

    /// <summary>Initializes a new instance of the <see cref="ReuseHarness"/> class.</summary>
    /// <param name="model">The model (not owned).</param>
    /// <param name="blockSize">Tokens per block.</param>
    /// <param name="blocks">Blocks in the pool.</param>
    /// <param name="segmentBytes">Segment store budget.</param>
    public ReuseHarness(DecoderModel model, int blockSize = 16, int blocks = 512, long segmentBytes = 64L * 1024 * 1024)
    {
        _model = model ?? throw new ArgumentNullException(nameof(model));
        PrefixCache? cache = null;
        _pool = model.CreatePool(blocks, blockSize, b => cache?.Forget(b));
        _prefixCache = cache = new PrefixCache(_pool);
        Segments = new SegmentStore("harness", segmentBytes);
        _prefill = new ReusePrefill(model, _prefixCache, Segments, NullLogger.Instance);
    }

    /// <summary>Gets the segment store.</summary>
    public SegmentStore Segments { get; }

    /// <summary>Gets the model.</summary>
    public DecoderModel Model => _model;

    /// <summary>Gets the pool.</summary>
    public KvBlockPool Pool => _pool;

    /// <summary>Builds a layout from spans given as token ids.</summary>
    /// <param name="spans">The spans (token ids).</param>
    /// <param name="ns">The namespace.</param>
    /// <returns>The layout.</returns>
    public RequestLayout Layout(IReadOnlyList<PromptSpan> spans, string ns = "default") =>
        RequestLayout.Build(spans, _ => throw new ArgumentException("The harness takes token-id spans only."), ids => Segments.KeyOf(ns, ids));

    /// <summary>Forgets the prefix cache (benchmarks: each timed run starts from the same cache state).</summary>
    public void ResetPrefixCache() => _prefixCache.Clear();

    /// <summary>Stores a segment's KV computed alone at position 0.</summary>
    /// <param name="tokens">The segment's ids.</param>
    /// <param name="ns">The namespace.</param>
    /// <returns>True if newly stored.</returns>
    public bool Warm(int[] tokens, string ns = "default") => _prefill.Warm(tokens, ns, _pool);

    /// <summary>Prefills a request and returns its first-token logits.</summary>
    /// <param name="layout">The prompt.</param>
    /// <param name="policy">The reuse policy.</param>
    /// <param name="report">What was reused.</param>
    /// <returns>fp32 logits [vocab] on the CPU.</returns>
    public Tensor FirstLogits(RequestLayout layout, ReusePolicy policy, out ReuseReport report)
    {
        using var scope = NewDisposeScope();
        using var table = new BlockTable(_pool);
        Tensor last = _prefill.Run(layout, policy, table, out report);
        return _model.Logits(last)[0].cpu().MoveToOuterDisposeScope();
    }

    /// <summary>Prefills a request and decodes greedily.</summary>
    /// <param name="layout">The prompt.</param>
    /// <param name="policy">The reuse policy.</param>
    /// <param name="steps">Tokens to generate.</param>
    /// <returns>The greedy tokens.</returns>
    public int[] Greedy(RequestLayout layout, ReusePolicy policy, int steps)
    {
        if (steps == 0)
        {
            return Array.Empty<int>();
        }

        using GreedyRun run = Decode(layout, policy, steps);
        return run.Tokens;
    }

    /// <summary>
    /// Prefills a request under <paramref name="policy"/> and decodes greedily until a stop token or
    /// <paramref name="maxNewTokens"/> tokens, returning the first-token logits, the tokens and the reuse report
    /// (and, on request, the prompt's KV right after the prefill).
    /// </summary>
    /// <param name="layout">The prompt.</param>
    /// <param name="policy">The reuse policy.</param>
    /// <param name="maxNewTokens">The most tokens to generate (≥ 1).</param>
    /// <param name="stopTokenIds">Tokens that end decoding (kept as the last token); none if null.</param>
    /// <param name="captureKv">Whether to copy the prompt's K/V of every layer after the prefill (K post-RoPE).</param>
    /// <returns>The run; the caller disposes it.</returns>
    public GreedyRun Decode(RequestLayout layout, ReusePolicy policy, int maxNewTokens, IReadOnlySet<int>? stopTokenIds = null, bool captureKv = false)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxNewTokens, 1);
        using var scope = NewDisposeScope();
        using var table = new BlockTable(_pool);
        Tensor logits = _model.Logits(_prefill.Run(layout, policy, table, out ReuseReport report));
        Tensor first = logits[0].cpu().MoveToOuterDisposeScope();
        Tensor? keys = null, values = null;
        if (captureKv)
        {
            Tensor slots = tensor(Enumerable.Range(0, layout.TokenIds.Length).Select(table.Slot).ToArray(), ScalarType.Int64, _model.Device);
            keys = stack(Enumerable.Range(0, _model.NumLayers).Select(l => _pool.Keys(l).index_select(0, slots).to(ScalarType.Float32)).ToArray()).cpu().MoveToOuterDisposeScope();
            values = stack(Enumerable.Range(0, _model.NumLayers).Select(l => _pool.Values(l).index_select(0, slots).to(ScalarType.Float32)).ToArray()).cpu().MoveToOuterDisposeScope();
        }

        var tokens = layout.TokenIds.ToList();
        var generated = new List<int>();
        while (true)
        {
            int next = (int)logits[0].argmax().item<long>();
            generated.Add(next);
            if (generated.Count == maxNewTokens || stopTokenIds?.Contains(next) == true)
            {
                break;
            }

            tokens.Add(next);
            table.EnsureCapacity(tokens.Count);
            logits = _model.Logits(DenseForward.Run(_model, table, tokens, tokens.Count - 1));
        }

        return new GreedyRun(first, generated.ToArray(), report, keys, values);
    }

    /// <summary>
    /// Naive reuse computed independently of the SparseX pass and the stores: each segment of the layout is
    /// prefilled alone at position 0, its K rotated to its place, and only the other tokens are computed,
    /// through all layers. Duplicated segments are all reused. The reference for "selector None, F = 1".
    /// </summary>
    /// <param name="layout">The prompt (its last token must not be inside a segment).</param>
    /// <returns>fp32 logits [vocab] on the CPU.</returns>
    public Tensor NaiveReuseLogits(RequestLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        using var scope = NewDisposeScope();
        int n = layout.TokenIds.Length;
        using var table = new BlockTable(_pool);
        table.EnsureCapacity(n);
        var reused = new bool[n];
        foreach (LayoutSegment segment in layout.Segments)
        {
            using var alone = new BlockTable(_pool);
            alone.EnsureCapacity(segment.Length);
            int[] ids = layout.TokenIds[segment.Start..segment.End];
            DenseForward.Run(_model, alone, ids, 0);
            Tensor from = tensor(Enumerable.Range(0, segment.Length).Select(alone.Slot).ToArray(), ScalarType.Int64, _model.Device);
            Tensor to = tensor(Enumerable.Range(segment.Start, segment.Length).Select(table.Slot).ToArray(), ScalarType.Int64, _model.Device);
            for (int l = 0; l < _model.NumLayers; l++)
            {
                Tensor k = _model.Rope.RotateBy(_pool.Keys(l).index_select(0, from), segment.Start);
                _pool.Keys(l).index_copy_(0, to, k);
                _pool.Values(l).index_copy_(0, to, _pool.Values(l).index_select(0, from));
            }

            for (int p = segment.Start; p < segment.End; p++)
            {
                reused[p] = true;
            }
        }

        if (reused[n - 1])
        {
            throw new ArgumentException("The naive-reuse reference needs the last token outside every segment.");
        }

        long[] rows = Enumerable.Range(0, n).Where(p => !reused[p]).Select(p => (long)p).ToArray();
        using RowBatch batch = RowBatch.ForSequence(_model.Rope, rows, n, table.Slot, _model.Device);
        Tensor hidden = _model.Embed(tensor(rows.Select(p => (long)layout.TokenIds[p]).ToArray(), ScalarType.Int64, _model.Device));
        for (int l = 0; l < _model.NumLayers; l++)
        {
            hidden = _model.Layer(l, hidden, batch, _pool);
        }

        return _model.Logits(hidden[^1..])[0].cpu().MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Segments.Dispose();
        _pool.Dispose();
    }
}
