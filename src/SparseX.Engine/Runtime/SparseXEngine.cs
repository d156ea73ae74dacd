using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SparseX.Engine.Cache;
using SparseX.Engine.Model;
using SparseX.Engine.Reuse;
using SparseX.Engine.Text;
using static TorchSharp.torch;

namespace SparseX.Engine.Runtime;

/// <summary>
/// The in-process engine: a model, its tokenizer, the KV pool, the prefix cache and the segment store,
/// served by one dedicated thread (TorchSharp dispose scopes are per thread). Requests queue in a bounded
/// channel and stream their tokens back as <see cref="GenerationUpdate"/>s. A failing request fails
/// alone; cancellation frees its blocks before the next request starts.
/// </summary>
public sealed class SparseXEngine : IDisposable
{
    private readonly Channel<WorkItem> _queue;
    private readonly Thread _worker;
    private readonly KvBlockPool _pool;
    private readonly PrefixCache _prefixCache;
    private readonly ReusePrefill _prefill;
    private readonly ILogger _logger;
    private long _completed;
    private bool _disposed;

    private SparseXEngine(EngineOptions options, DecoderModel model, HfTokenizer tokenizer, ILogger logger)
    {
        Options = options;
        Model = model;
        Tokenizer = tokenizer;
        _logger = logger;
        int blocks = (int)Math.Max(2, Math.Min(int.MaxValue, options.KvCacheBytes / (BytesPerToken(model) * options.BlockSize)));
        PrefixCache? cache = null;
        _pool = model.CreatePool(blocks, options.BlockSize, block => cache?.Forget(block));
        _prefixCache = cache = new PrefixCache(_pool);
        Segments = new SegmentStore(Fingerprint(model), options.SegmentStoreBytes);
        _prefill = new ReusePrefill(model, _prefixCache, Segments, logger);
        _queue = Channel.CreateBounded<WorkItem>(new BoundedChannelOptions(options.MaxQueuedRequests) { SingleReader = true });
        _worker = new Thread(Serve) { IsBackground = true, Name = "SparseX engine" };
        _worker.Start();
    }

    /// <summary>Gets the options the engine was built with.</summary>
    public EngineOptions Options { get; }

    /// <summary>Gets the model.</summary>
    public DecoderModel Model { get; }

    /// <summary>Gets the tokenizer.</summary>
    public HfTokenizer Tokenizer { get; }

    /// <summary>Gets the segment store.</summary>
    public SegmentStore Segments { get; }

    /// <summary>Gets the context length.</summary>
    public int ContextLength => Model.Config.MaxPositionEmbeddings;

    /// <summary>Gets a snapshot of the engine's resources.</summary>
    public EngineStats Stats => new(_pool.NumBlocks, _pool.UsedBlocks, _prefixCache.CachedBlocks, Segments.Stats, Interlocked.Read(ref _completed));

    /// <summary>Loads a checkpoint and starts the engine thread.</summary>
    /// <param name="options">The options.</param>
    /// <param name="logger">Optional logger.</param>
    /// <returns>The engine.</returns>
    /// <exception cref="ModelLoadException">The checkpoint cannot be loaded.</exception>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public static SparseXEngine Load(EngineOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        TorchRuntime.Initialize(options.LibTorchDirectory);
        Device device = TorchRuntime.ParseDevice(options.Device);
        ScalarType dtype = options.Dtype switch
        {
            "bfloat16" => ScalarType.BFloat16,
            "float16" => ScalarType.Float16,
            "float32" => ScalarType.Float32,
            _ => device.type == TorchSharp.DeviceType.CUDA ? ScalarType.BFloat16 : ScalarType.Float32,
        };
        logger ??= NullLogger.Instance;
        var clock = Stopwatch.StartNew();
        HfTokenizer tokenizer = HfTokenizer.FromDirectory(options.ModelPath);
        try
        {
            DecoderModel model = DecoderModel.Load(options.ModelPath, dtype, device);
            logger.LogInformation("Loaded {Architecture} from {Path} on {Device} ({Dtype}) in {Ms} ms.", model.Config.Architecture, options.ModelPath, device, dtype, clock.ElapsedMilliseconds);
            return new SparseXEngine(options, model, tokenizer, logger);
        }
        catch
        {
            tokenizer.Dispose();
            throw;
        }
    }

    /// <summary>Streams a generation.</summary>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">Cancels the request; its blocks are freed at the next step.</param>
    /// <returns>The updates; the last carries the finish reason and the reuse report.</returns>
    public async IAsyncEnumerable<GenerationUpdate> GenerateAsync(GenerationRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var output = Channel.CreateUnbounded<GenerationUpdate>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        await _queue.Writer.WriteAsync(new WorkItem(request, output.Writer, cancellationToken), cancellationToken).ConfigureAwait(false);
        await foreach (GenerationUpdate update in output.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            // Updates already buffered are not delivered once the caller has cancelled.
            cancellationToken.ThrowIfCancellationRequested();
            yield return update;
        }
    }

    /// <summary>Runs a generation to the end.</summary>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The text, tokens, finish reason and report.</returns>
    public async Task<GenerationResult> GenerateTextAsync(GenerationRequest request, CancellationToken cancellationToken = default)
    {
        var text = new StringBuilder();
        var ids = new List<int>();
        GenerationUpdate? last = null;
        await foreach (GenerationUpdate update in GenerateAsync(request, cancellationToken).ConfigureAwait(false))
        {
            text.Append(update.Text);
            ids.AddRange(update.TokenIds);
            last = update;
        }

        return new GenerationResult(text.ToString(), ids, last?.FinishReason ?? FinishReason.MaxTokens, last?.Report ?? new ReuseReport());
    }

    /// <summary>Computes and stores a segment's KV ahead of use (optional: requests store their segments anyway).</summary>
    /// <param name="segment">A segment span.</param>
    /// <param name="ns">The namespace.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>True if the segment was newly stored.</returns>
    public async Task<bool> WarmAsync(PromptSpan segment, string ns = "default", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(segment);
        if (!segment.IsSegment)
        {
            throw new ArgumentException("Only segment spans can be warmed.", nameof(segment));
        }

        int[] ids = segment.Text is not null ? Tokenizer.Encode(segment.Text) : segment.TokenIds!.ToArray();
        ValidateTokens(ids, 0);
        var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = Channel.CreateUnbounded<GenerationUpdate>();
        await _queue.Writer.WriteAsync(new WorkItem(null, output.Writer, cancellationToken, () => done.TrySetResult(_prefill.Warm(ids, ns, _pool))), cancellationToken).ConfigureAwait(false);
        await foreach (GenerationUpdate _ in output.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
        }

        return await done.Task.ConfigureAwait(false);
    }

    /// <summary>Builds a request's layout (tokenizing each span on its own).</summary>
    /// <param name="request">The request.</param>
    /// <param name="ns">The namespace for segment keys.</param>
    /// <returns>The layout.</returns>
    /// <exception cref="ArgumentException">The request has no prompt, or more than one kind of prompt.</exception>
    public RequestLayout BuildLayout(GenerationRequest request, string ns)
    {
        ArgumentNullException.ThrowIfNull(request);
        int given = (request.Prompt is null ? 0 : 1) + (request.PromptTokenIds is null ? 0 : 1) + (request.Spans is null ? 0 : 1);
        if (given != 1)
        {
            throw new ArgumentException("A request needs exactly one of Prompt, PromptTokenIds or Spans.", nameof(request));
        }

        RequestLayout layout = request.Spans is not null
            ? RequestLayout.Build(request.Spans, text => Tokenizer.Encode(text), ids => Segments.KeyOf(ns, ids))
            : RequestLayout.Plain(request.PromptTokenIds ?? Tokenizer.Encode(request.Prompt!, addSpecialTokens: true));
        ValidateTokens(layout.TokenIds, 1);
        return layout;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _queue.Writer.TryComplete();
        _worker.Join();
        Segments.Dispose();
        _pool.Dispose();
        Model.Dispose();
        Tokenizer.Dispose();
    }

    private static long BytesPerToken(DecoderModel model) =>
        (long)model.Config.NumLayers * 2 * model.Config.NumKvHeads * model.Config.HeadDim * (model.Dtype == ScalarType.Float32 ? 4 : 2);

    private static string Fingerprint(DecoderModel model)
    {
        var text = new StringBuilder(model.Config.ToString());
        if (Directory.Exists(model.Directory))
        {
            foreach (string file in Directory.GetFiles(model.Directory, "*.safetensors").Order(StringComparer.Ordinal))
            {
                var info = new FileInfo(file);
                text.Append('|').Append(info.Name).Append(':').Append(info.Length).Append(':').Append(info.LastWriteTimeUtc.Ticks);
            }
        }

        text.Append('|').Append(model.Dtype);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..32];
    }

    private void ValidateTokens(int[] ids, int minimum)
    {
        if (ids.Length < minimum)
        {
            throw new ArgumentException("The prompt is empty.");
        }

        if (ids.Length >= ContextLength)
        {
            throw new ArgumentException($"The prompt has {ids.Length} tokens; the model's context is {ContextLength} (max_position_embeddings), leaving no room to generate.");
        }

        int vocab = Model.Config.VocabSize;
        int bad = Array.FindIndex(ids, t => t < 0 || t >= vocab);
        if (bad >= 0)
        {
            throw new ArgumentException($"Token id {ids[bad]} at position {bad} is outside the vocabulary [0, {vocab}).");
        }
    }

    private void Serve()
    {
        while (_queue.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            while (_queue.Reader.TryRead(out WorkItem? item))
            {
                try
                {
                    item.CancellationToken.ThrowIfCancellationRequested();
                    if (item.Action is not null)
                    {
                        item.Action();
                    }
                    else
                    {
                        Generate(item.Request!, item.Output, item.CancellationToken);
                    }

                    item.Output.TryComplete();
                }
                catch (Exception ex)
                {
                    if (ex is not OperationCanceledException)
                    {
                        _logger.LogWarning(ex, "Request failed: {Message}", ex.Message);
                    }

                    item.Output.TryComplete(ex);
                }
                finally
                {
                    Interlocked.Increment(ref _completed);
                }
            }
        }
    }

    private void Generate(GenerationRequest request, ChannelWriter<GenerationUpdate> output, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        GenerationOptions options = request.Options ?? new GenerationOptions();
        options.Validate();
        ReusePolicy policy = request.Reuse ?? Options.DefaultReuse;
        policy.Validate(Model.NumLayers);
        RequestLayout layout = BuildLayout(request, policy.Namespace);

        using var scope = NewDisposeScope();
        using var table = new BlockTable(_pool);
        Tensor lastHidden = _prefill.Run(layout, policy, table, out ReuseReport report);
        Tensor logits = Model.Logits(lastHidden);
        TimeSpan ttft = clock.Elapsed;

        var tokens = layout.TokenIds.ToList();
        int maxNew = Math.Min(options.MaxNewTokens, ContextLength - tokens.Count);
        var stopIds = new HashSet<int>(options.StopTokenIds);
        if (!options.IgnoreEos)
        {
            stopIds.UnionWith(Tokenizer.EosTokenIds);
            stopIds.UnionWith(Model.Config.EosTokenIds);
        }

        var sampler = new Sampler(options);
        var detokenizer = new StreamingDetokenizer(Tokenizer);
        var stops = new StopSequenceMatcher(options.StopSequences);
        FinishReason finish = maxNew < options.MaxNewTokens ? FinishReason.ContextFull : FinishReason.MaxTokens;
        for (int step = 0; step < maxNew; step++)
        {
            ct.ThrowIfCancellationRequested();
            int next = sampler.Next(logits[0].cpu().data<float>().ToArray());
            if (stopIds.Contains(next))
            {
                finish = FinishReason.EndOfSequence;
                break;
            }

            tokens.Add(next);
            output.TryWrite(new GenerationUpdate(stops.Append(detokenizer.Push(next)), new[] { next }));
            if (stops.Stopped)
            {
                finish = FinishReason.StopSequence;
                break;
            }

            if (step + 1 < maxNew)
            {
                using var stepScope = NewDisposeScope();
                table.EnsureCapacity(tokens.Count);
                Tensor hidden = DenseForward.Run(Model, table, tokens, tokens.Count - 1);
                logits.Dispose();
                logits = Model.Logits(hidden).MoveToOuterDisposeScope();
            }
        }

        string tail = stops.Append(detokenizer.Flush()) + stops.Flush();
        report = report with { TimeToFirstToken = ttft, Decode = clock.Elapsed - ttft };
        output.TryWrite(new GenerationUpdate(tail, Array.Empty<int>(), finish, report));
    }

    private sealed record WorkItem(GenerationRequest? Request, ChannelWriter<GenerationUpdate> Output, CancellationToken CancellationToken, Action? Action = null);
}
