using SparseX.Engine.Cache;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace SparseX.Engine.Model;

/// <summary>
/// A Llama-family decoder (Llama, Mistral, Qwen2, Qwen3) computed with TorchSharp, layer by layer over
/// arbitrary row subsets (<see cref="RowBatch"/>) with K/V kept in a <see cref="KvBlockPool"/>. Prefill,
/// decode and the SparseX hybrid pass are all compositions of <see cref="Embed"/>, <see cref="Layer"/>
/// and <see cref="Logits"/>.
/// </summary>
public sealed class DecoderModel : IDisposable
{
    private readonly LayerWeights[] _layers;
    private readonly Tensor _embed;
    private readonly Tensor _finalNorm;
    private readonly Tensor _lmHead;
    // Per-model Scalars kept alive with the model (see KeptScalars for why).
    private readonly Scalar _scale;
    private readonly Scalar _eps;
    private ReuseCalibration? _reuseCalibration;

    private DecoderModel(ModelConfig config, string directory, ScalarType dtype, Device device, Tensor embed, LayerWeights[] layers, Tensor finalNorm, Tensor lmHead)
    {
        Config = config;
        Directory = directory;
        Dtype = dtype;
        Device = device;
        _embed = embed;
        _layers = layers;
        _finalNorm = finalNorm;
        _lmHead = lmHead;
        _scale = (1.0f / MathF.Sqrt(config.HeadDim)).ToScalar();
        _eps = config.RmsNormEps.ToScalar();
        Rope = new Rope(config.Rope, config.HeadDim, device);
        Backend = device.type == DeviceType.CUDA ? AttentionBackend.Sdpa : AttentionBackend.Explicit;
    }

    /// <summary>Gets the configuration.</summary>
    public ModelConfig Config { get; }

    /// <summary>Gets the checkpoint directory (empty for models built in memory).</summary>
    public string Directory { get; }

    /// <summary>Gets the compute dtype.</summary>
    public ScalarType Dtype { get; }

    /// <summary>Gets the device.</summary>
    public Device Device { get; }

    /// <summary>
    /// Gets or sets the checkpoint's measured reuse settings (<c>sparsex_reuse.json</c>, read by <see cref="Load"/>; null
    /// when it has none). Requests read it when they start; set it to null to use DESIGN §4's F − 1 selection layer.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The calibration names a layer this model does not have.</exception>
    public ReuseCalibration? ReuseCalibration
    {
        get => _reuseCalibration;
        set
        {
            if (value is not null && (value.SelectionLayer < 0 || value.SelectionLayer >= NumLayers))
            {
                throw new ArgumentOutOfRangeException(nameof(value), $"The calibrated selection layer {value.SelectionLayer} is not a layer of this model (0 to {NumLayers - 1}).");
            }

            _reuseCalibration = value;
        }
    }

    /// <summary>Gets the rotary embedding.</summary>
    public Rope Rope { get; }

    /// <summary>Gets the number of layers.</summary>
    public int NumLayers => _layers.Length;

    /// <summary>Gets the KV cache bytes one token takes over all layers in the compute dtype.</summary>
    public long KvBytesPerToken => (long)Config.NumLayers * 2 * Config.NumKvHeads * Config.HeadDim * (Dtype == ScalarType.Float32 ? 4 : 2);

    /// <summary>Gets or sets the attention implementation (default: SDPA on CUDA, explicit on CPU).</summary>
    public AttentionBackend Backend { get; set; }

    /// <summary>Gets or sets the rows per SDPA call for scattered rows (each call reads only the keys up to its last row).</summary>
    public int SparseRowChunk { get; set; } = 256;

    /// <summary>Gets or sets the query rows per chunk when Sparse-Q importance is computed beside SDPA.</summary>
    public int ProbeChunkRows { get; set; } = 256;

    /// <summary>Loads a Hugging Face checkpoint directory.</summary>
    /// <param name="directory">The checkpoint directory.</param>
    /// <param name="dtype">Compute dtype (weights stored otherwise are converted); F32 by default.</param>
    /// <param name="device">Device; CPU by default.</param>
    /// <returns>The model.</returns>
    /// <exception cref="ModelLoadException">A missing file, unsupported configuration, mismatched tensor or malformed
    /// <c>sparsex_reuse.json</c>.</exception>
    public static DecoderModel Load(string directory, ScalarType dtype = ScalarType.Float32, Device? device = null)
    {
        Runtime.TorchRuntime.Initialize();
        device ??= CPU;
        if (dtype is not (ScalarType.Float32 or ScalarType.Float16 or ScalarType.BFloat16))
        {
            throw new ModelLoadException($"Compute dtype {dtype} is not supported (Float32, Float16, BFloat16).");
        }

        ModelConfig config = ModelConfig.Load(directory);
        ReuseCalibration? calibration = ReuseCalibration.Load(directory, config.NumLayers);
        using CheckpointReader ckpt = CheckpointReader.Open(directory);
        var loaded = new List<IDisposable>();
        try
        {
            long v = config.VocabSize, h = config.HiddenSize;
            Tensor embed = ckpt.Load("model.embed_tokens.weight", new[] { v, h }, dtype, device);
            loaded.Add(embed);
            var layers = new LayerWeights[config.NumLayers];
            for (int l = 0; l < layers.Length; l++)
            {
                layers[l] = LayerWeights.Load(ckpt, config, l, dtype, device);
                loaded.Add(layers[l]);
            }

            Tensor norm = ckpt.Load("model.norm.weight", new[] { h }, dtype, device);
            loaded.Add(norm);
            Tensor head = config.TieWordEmbeddings
                ? embed.alias()
                : ckpt.Load("lm_head.weight", new[] { v, h }, dtype, device);
            return new DecoderModel(config, directory, dtype, device, embed, layers, norm, head) { ReuseCalibration = calibration };
        }
        catch
        {
            foreach (IDisposable d in loaded)
            {
                d.Dispose();
            }

            throw;
        }
    }

    /// <summary>
    /// Builds a model of the given shape with random weights directly on the device (benchmarks of real
    /// shapes without a download; the numbers, not the outputs, matter).
    /// </summary>
    /// <param name="config">The shape.</param>
    /// <param name="dtype">Compute dtype.</param>
    /// <param name="device">Device.</param>
    /// <param name="seed">Random seed.</param>
    /// <returns>The model.</returns>
    public static DecoderModel CreateRandom(ModelConfig config, ScalarType dtype, Device device, long seed = 0)
    {
        ArgumentNullException.ThrowIfNull(config);
        Runtime.TorchRuntime.Initialize();
        torch.random.manual_seed(seed);
        if (device.type == DeviceType.CUDA)
        {
            torch.cuda.manual_seed_all(seed);
        }

        long h = config.HiddenSize, f = config.IntermediateSize, q = (long)config.NumHeads * config.HeadDim, kv = (long)config.NumKvHeads * config.HeadDim;
        Tensor W(params long[] shape) => randn(shape, dtype, device).mul_(0.02).DetachFromDisposeScope();
        Tensor Ones(long n) => ones(n, dtype, device).DetachFromDisposeScope();
        Tensor? Bias(bool present, long n) => present ? W(n) : null;
        var layers = new LayerWeights[config.NumLayers];
        for (int l = 0; l < layers.Length; l++)
        {
            layers[l] = new LayerWeights
            {
                InputNorm = Ones(h),
                QProj = W(q, h),
                KProj = W(kv, h),
                VProj = W(kv, h),
                OProj = W(h, q),
                QBias = Bias(config.QkvBias, q),
                KBias = Bias(config.QkvBias, kv),
                VBias = Bias(config.QkvBias, kv),
                QNorm = config.QkNorm ? Ones(config.HeadDim) : null,
                KNorm = config.QkNorm ? Ones(config.HeadDim) : null,
                PostAttentionNorm = Ones(h),
                GateProj = W(f, h),
                UpProj = W(f, h),
                DownProj = W(h, f),
            };
        }

        Tensor embed = W(config.VocabSize, h);
        Tensor head = config.TieWordEmbeddings ? embed.alias() : W(config.VocabSize, h);
        return new DecoderModel(config, string.Empty, dtype, device, embed, layers, Ones(h), head);
    }

    /// <summary>Looks up token embeddings.</summary>
    /// <param name="tokenIds">Int64 [R].</param>
    /// <returns>[R, hidden].</returns>
    public Tensor Embed(Tensor tokenIds) => _embed.index_select(0, tokenIds);

    /// <summary>
    /// Runs decoder layer <paramref name="layer"/> on the batch rows: writes their K/V into the pool, attends
    /// to the batch's keys under its mask, and returns the new hidden rows.
    /// </summary>
    /// <param name="layer">Layer index.</param>
    /// <param name="hidden">[R, hidden] input rows.</param>
    /// <param name="batch">Rows and keys.</param>
    /// <param name="pool">The KV cache.</param>
    /// <param name="probe">Optional: collect the attention of some rows to every key (Sparse-Q).</param>
    /// <returns>[R, hidden] output rows.</returns>
    public Tensor Layer(int layer, Tensor hidden, RowBatch batch, KvBlockPool pool, AttentionProbe? probe = null)
    {
        using var scope = NewDisposeScope();
        LayerWeights w = _layers[layer];
        long r = hidden.shape[0];
        int heads = Config.NumHeads, kvHeads = Config.NumKvHeads, d = Config.HeadDim;

        Tensor x = RmsNorm(hidden, w.InputNorm);
        Tensor q = F.linear(x, w.QProj, w.QBias).view(r, heads, d);
        Tensor k = F.linear(x, w.KProj, w.KBias).view(r, kvHeads, d);
        Tensor v = F.linear(x, w.VProj, w.VBias).view(r, kvHeads, d);
        if (w.QNorm is not null && w.KNorm is not null)
        {
            q = RmsNorm(q, w.QNorm);
            k = RmsNorm(k, w.KNorm);
        }

        q = Rope.Apply(q, batch.Cos, batch.Sin);
        k = Rope.Apply(k, batch.Cos, batch.Sin);
        pool.Keys(layer).index_copy_(0, batch.WriteSlots, k.to(pool.Keys(layer).dtype));
        pool.Values(layer).index_copy_(0, batch.WriteSlots, v.to(pool.Values(layer).dtype));

        Tensor keys = batch.ReadSlotStart >= 0
            ? pool.Keys(layer).narrow(0, batch.ReadSlotStart, batch.ReadSlots.shape[0]).to(Dtype)
            : pool.Keys(layer).index_select(0, batch.ReadSlots).to(Dtype);
        Tensor values = batch.ReadSlotStart >= 0
            ? pool.Values(layer).narrow(0, batch.ReadSlotStart, batch.ReadSlots.shape[0]).to(Dtype)
            : pool.Values(layer).index_select(0, batch.ReadSlots).to(Dtype);
        Tensor attn = Backend == AttentionBackend.Sdpa
            ? SdpaAttention(q, keys, values, batch, probe)
            : Attention(q, keys, values, batch.Mask, probe);
        Tensor h = hidden.add(F.linear(attn.reshape(r, heads * d), w.OProj, w.OBias), KeptScalars.One);

        Tensor m = RmsNorm(h, w.PostAttentionNorm);
        Tensor gate = F.linear(m, w.GateProj, w.GateBias);
        Tensor up = F.linear(m, w.UpProj, w.UpBias);
        Tensor output = h.add(F.linear(F.silu(gate) * up, w.DownProj, w.DownBias), KeptScalars.One);
        if (probe?.Importance is not null)
        {
            probe.Importance.MoveToOuterDisposeScope();
        }

        return output.MoveToOuterDisposeScope();
    }

    /// <summary>Applies the final norm (the last hidden state transformers reports).</summary>
    /// <param name="hidden">[R, hidden].</param>
    /// <returns>[R, hidden].</returns>
    public Tensor FinalNorm(Tensor hidden) => RmsNorm(hidden, _finalNorm);

    /// <summary>Final norm and LM head, logits in fp32.</summary>
    /// <param name="hidden">[R, hidden] rows.</param>
    /// <returns>[R, vocab] fp32.</returns>
    public Tensor Logits(Tensor hidden)
    {
        using var scope = NewDisposeScope();
        return F.linear(FinalNorm(hidden), _lmHead).to(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    /// <summary>Creates a KV pool shaped for this model.</summary>
    /// <param name="numBlocks">Blocks.</param>
    /// <param name="blockSize">Tokens per block.</param>
    /// <param name="onEvicted">Eviction callback (prefix cache).</param>
    /// <returns>The pool.</returns>
    public KvBlockPool CreatePool(int numBlocks, int blockSize, Action<int>? onEvicted = null) =>
        new(Config.NumLayers, Config.NumKvHeads, Config.HeadDim, numBlocks, blockSize, Dtype, Device, onEvicted);

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (LayerWeights l in _layers)
        {
            l.Dispose();
        }

        _embed.Dispose();
        _finalNorm.Dispose();
        _lmHead.Dispose();
        Rope.Dispose();
        _scale.Dispose();
        _eps.Dispose();
    }

    private Tensor RmsNorm(Tensor x, Tensor weight)
    {
        using var scope = NewDisposeScope();
        Tensor xf = x.to(ScalarType.Float32);
        Tensor variance = xf.pow(KeptScalars.Two).mean(new long[] { -1 }, keepdim: true);
        Tensor normed = (xf * rsqrt(variance.add(_eps, KeptScalars.One))).to(x.dtype);
        return (weight * normed).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Attention through PyTorch's fused SDPA. K/V heads are expanded for GQA (TorchSharp's SDPA has no
    /// enable_gqa). Full prefill uses the causal flag (rows = keys = 0..N−1, so top-left alignment is right),
    /// decode uses no mask, anything else the exact per-row boolean mask. A probe is served by a chunked
    /// explicit softmax over the probe rows only.
    /// </summary>
    private Tensor SdpaAttention(Tensor q, Tensor keys, Tensor values, RowBatch batch, AttentionProbe? probe)
    {
        long r = q.shape[0], nk = keys.shape[0];
        Tensor output = batch.Kind switch
        {
            MaskKind.FullCausal => Expanded(q, keys, values, causal: true),
            MaskKind.None => Expanded(q, keys, values, causal: false),
            MaskKind.Suffix when r * 2 >= nk => SuffixCausal(q, keys, values),
            MaskKind.SortedRows => SortedRowsAttention(q, keys, values, batch),
            _ => Expanded(q, keys, values, causal: false, batch.Mask),
        };

        if (probe is not null)
        {
            probe.Importance = ProbeImportance(q, keys, batch.Mask, probe.RowIndices);
        }

        return output;
    }

    /// <summary>
    /// SDPA with K/V heads expanded for GQA (TorchSharp's SDPA has no enable_gqa; folding the query heads
    /// into rows instead was measured slower on the H100). Flash-eligible without a mask. Returns [R, H, D].
    /// </summary>
    private Tensor Expanded(Tensor q, Tensor keys, Tensor values, bool causal, Tensor? mask = null)
    {
        long nk = keys.shape[0];
        int heads = Config.NumHeads, kvHeads = Config.NumKvHeads, d = Config.HeadDim, groups = heads / kvHeads;
        Tensor qh = q.permute(1, 0, 2).unsqueeze(0);                                          // [1, H, R, D]
        Tensor kh = keys.permute(1, 0, 2).unsqueeze(1).expand(kvHeads, groups, nk, d).reshape(1, heads, nk, d);
        Tensor vh = values.permute(1, 0, 2).unsqueeze(1).expand(kvHeads, groups, nk, d).reshape(1, heads, nk, d);
        return F.scaled_dot_product_attention(qh, kh, vh, mask, 0.0, causal).squeeze(0).permute(1, 0, 2);
    }

    /// <summary>
    /// Rows P..N−1 over keys 0..N−1 (bottom-right causal). PyTorch's causal flag is top-left aligned, so the
    /// queries are padded with P zero rows to make the triangle square and the padding is dropped: the flash
    /// kernel on N rows beats a masked kernel on N − P rows while P is at most half of N.
    /// </summary>
    private Tensor SuffixCausal(Tensor q, Tensor keys, Tensor values)
    {
        long r = q.shape[0], nk = keys.shape[0];
        Tensor padded = cat(new[] { zeros(new[] { nk - r, q.shape[1], q.shape[2] }, q.dtype, q.device), q }, 0);
        return Expanded(padded, keys, values, causal: true).narrow(0, nk - r, r);
    }

    /// <summary>
    /// Scattered ascending rows (the SparseX sparse layers): rows are cut into chunks of
    /// <see cref="SparseRowChunk"/>; a chunk whose last row sits at position b needs only keys 0..b, so
    /// each chunk runs the masked kernel over its own key prefix (about half the keys on average).
    /// </summary>
    private Tensor SortedRowsAttention(Tensor q, Tensor keys, Tensor values, RowBatch batch)
    {
        long r = q.shape[0];
        IReadOnlyList<long> positions = batch.HostPositions;
        var parts = new List<Tensor>();
        for (long start = 0; start < r; start += SparseRowChunk)
        {
            long len = Math.Min(SparseRowChunk, r - start);
            long keyCount = positions[(int)(start + len - 1)] + 1;
            Tensor mask = batch.Mask.narrow(0, start, len).narrow(1, 0, keyCount);
            parts.Add(Expanded(q.narrow(0, start, len), keys.narrow(0, 0, keyCount), values.narrow(0, 0, keyCount), causal: false, mask));
        }

        return parts.Count == 1 ? parts[0] : cat(parts.ToArray(), 0);
    }

    /// <summary>Σ_heads Σ_rows softmax(q·k/√d) over the probe rows, computed in chunks of rows (fp32).</summary>
    private Tensor ProbeImportance(Tensor q, Tensor keys, Tensor mask, Tensor rows)
    {
        long nk = keys.shape[0], count = rows.shape[0];
        int heads = Config.NumHeads, kvHeads = Config.NumKvHeads, d = Config.HeadDim, groups = heads / kvHeads;
        Tensor kt = keys.permute(1, 2, 0);                                                      // [KVH, D, Nk]
        Tensor total = zeros(nk, ScalarType.Float32, Device);
        for (long start = 0; start < count; start += ProbeChunkRows)
        {
            using var scope = NewDisposeScope();
            long len = Math.Min(ProbeChunkRows, count - start);
            Tensor idx = rows.narrow(0, start, len);
            Tensor qc = q.index_select(0, idx).view(len, kvHeads, groups, d).permute(1, 2, 0, 3).reshape(kvHeads, groups * len, d);
            Tensor scores = matmul(qc, kt).to(ScalarType.Float32).mul_(_scale).view(kvHeads, groups, len, nk);
            scores = scores.masked_fill(mask.index_select(0, idx).logical_not(), KeptScalars.NegativeInfinity);
            total.add_(F.softmax(scores, -1).sum(new long[] { 0, 1, 2 }), KeptScalars.One);
        }

        return total;
    }

    /// <summary>
    /// Masked attention with GQA by grouping query heads per KV head (no repeated K/V). Softmax in fp32.
    /// </summary>
    private Tensor Attention(Tensor q, Tensor keys, Tensor values, Tensor mask, AttentionProbe? probe)
    {
        long r = q.shape[0], nk = keys.shape[0];
        int heads = Config.NumHeads, kvHeads = Config.NumKvHeads, d = Config.HeadDim, groups = heads / kvHeads;

        // q: [R, H, D] → [KVH, G·R, D] (head h = kv·G + g, as transformers' repeat_kv).
        Tensor qg = q.view(r, kvHeads, groups, d).permute(1, 2, 0, 3).reshape(kvHeads, groups * r, d);
        Tensor kt = keys.permute(1, 2, 0);                 // [KVH, D, Nk]
        Tensor vv = values.permute(1, 0, 2);               // [KVH, Nk, D]
        Tensor scores = matmul(qg, kt).to(ScalarType.Float32).mul_(_scale).view(kvHeads, groups, r, nk);
        scores = scores.masked_fill(mask.logical_not(), KeptScalars.NegativeInfinity);
        Tensor probs = F.softmax(scores, -1);
        if (probe is not null)
        {
            probe.Importance = probs.index_select(2, probe.RowIndices).sum(new long[] { 0, 1, 2 });
        }

        Tensor output = matmul(probs.to(Dtype).view(kvHeads, groups * r, nk), vv); // [KVH, G·R, D]
        return output.view(kvHeads, groups, r, d).permute(2, 0, 1, 3).reshape(r, heads, d);
    }
}
