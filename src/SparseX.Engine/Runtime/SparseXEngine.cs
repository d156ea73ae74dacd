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
/// channel; running requests are decoded together (continuous batching) and stream their tokens back as
/// <see cref="GenerationUpdate"/>s. A failing request fails alone; a cancelled one leaves, with its blocks
/// freed, at the next step.
/// </summary>
public sealed class SparseXEngine : IDisposable
{
    private readonly Channel<WorkItem> _queue;
    private readonly Thread _worker;
    private readonly KvBlockPool _pool;
    private readonly PrefixCache _prefixCache;
    private readonly ReusePrefill _prefill;
    private readonly ILogger _logger;
    private readonly int[] _eosIds;
    private long _completed;
    private long _decodeSteps;
    private long _batchedDecodeSteps;
    private long _preemptions;
    private int _maxDecodeBatch;
    private volatile int _running;
    private volatile int _queued;
    private volatile bool _stopping;
    private bool _disposed;

    private SparseXEngine(EngineOptions options, DecoderModel model, HfTokenizer tokenizer, ILogger logger)
    {
        Options = options;
        Model = model;
        Tokenizer = tokenizer;
        _logger = logger;
        int blocks = (int)Math.Max(2, Math.Min(int.MaxValue, options.KvCacheBytes / (model.KvBytesPerToken * options.BlockSize)));
        PrefixCache? cache = null;
        _pool = model.CreatePool(blocks, options.BlockSize, block => cache?.Forget(block));
        _prefixCache = cache = new PrefixCache(_pool);
        Segments = new SegmentStore(Fingerprint(model), options.SegmentStoreBytes);
        _prefill = new ReusePrefill(model, _prefixCache, Segments, logger);
        _eosIds = tokenizer.EosTokenIds.Concat(model.Config.EosTokenIds).Distinct().ToArray();
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
    public EngineStats Stats => new(_pool.NumBlocks, _pool.UsedBlocks, _prefixCache.CachedBlocks, Segments.Stats, Interlocked.Read(ref _completed))
    {
        RunningSequences = _running,
        QueuedRequests = _queued + _queue.Reader.Count,
        DecodeSteps = Interlocked.Read(ref _decodeSteps),
        BatchedDecodeSteps = Interlocked.Read(ref _batchedDecodeSteps),
        MaxDecodeBatch = _maxDecodeBatch,
        Preemptions = Interlocked.Read(ref _preemptions),
    };

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
        ArgumentNullException.ThrowIfNull(request);
        return await GenerateAsync(request, cancellationToken).CollectAsync(cancellationToken).ConfigureAwait(false);
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
        _stopping = true;
        _queue.Writer.TryComplete();
        _worker.Join();
        Segments.Dispose();
        _pool.Dispose();
        Model.Dispose();
        Tokenizer.Dispose();
    }

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

    /// <summary>
    /// The engine loop (continuous batching): admit resumed and new requests while there is room (blocks,
    /// <see cref="EngineOptions.MaxConcurrentSequences"/>, a prefill token budget), then run one batched decode
    /// step for every running sequence. Finished and cancelled sequences leave between steps; when the pool
    /// runs out, the youngest sequence is preempted and later resumed by recomputing its tokens.
    /// </summary>
    private void Serve()
    {
        var running = new List<ActiveSequence>();
        var waiting = new LinkedList<WorkItem>();
        var resume = new Queue<ActiveSequence>();
        while (!_stopping)
        {
            if (running.Count == 0 && waiting.Count == 0 && resume.Count == 0
                && !_queue.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
            {
                break;
            }

            while (waiting.Count < Options.MaxConcurrentSequences && _queue.Reader.TryRead(out WorkItem? item))
            {
                waiting.AddLast(item);
            }

            _queued = waiting.Count;
            DropCancelled(running);
            Admit(running, waiting, resume);
            if (running.Count > 0)
            {
                DecodeStep(running, resume);
            }

            _running = running.Count;
        }

        var stopped = new ObjectDisposedException(nameof(SparseXEngine), "The engine was disposed.");
        foreach (ActiveSequence seq in running.Concat(resume))
        {
            seq.Fail(stopped);
            seq.Dispose();
        }

        foreach (WorkItem item in waiting)
        {
            item.Output.TryComplete(stopped);
        }

        while (_queue.Reader.TryRead(out WorkItem? item))
        {
            item.Output.TryComplete(stopped);
        }
    }

    private void Admit(List<ActiveSequence> running, LinkedList<WorkItem> waiting, Queue<ActiveSequence> resume)
    {
        while (resume.Count > 0 && running.Count < Options.MaxConcurrentSequences)
        {
            ActiveSequence seq = resume.Peek();
            if (seq.CancellationToken.IsCancellationRequested)
            {
                Finish(resume.Dequeue(), new OperationCanceledException(seq.CancellationToken));
                continue;
            }

            try
            {
                Resume(seq);
            }
            catch (KvCacheExhaustedException) when (running.Count > 0)
            {
                return; // wait for running sequences to free blocks
            }
            catch (Exception ex)
            {
                Finish(resume.Dequeue(), ex);
                continue;
            }

            resume.Dequeue();
            Keep(seq, running);
        }

        int budget = Options.MaxPrefillTokensPerStep;
        while (waiting.First is { } node && running.Count < Options.MaxConcurrentSequences && budget > 0)
        {
            WorkItem item = node.Value;
            try
            {
                item.CancellationToken.ThrowIfCancellationRequested();
                if (item.Action is not null)
                {
                    item.Action();
                    item.Output.TryComplete();
                    Interlocked.Increment(ref _completed);
                }
                else
                {
                    ActiveSequence seq = Start(item);
                    budget -= seq.Tokens.Count;
                    Keep(seq, running);
                }
            }
            catch (KvCacheExhaustedException) when (running.Count > 0 || resume.Count > 0)
            {
                return; // the prompt fits once running sequences finish
            }
            catch (Exception ex)
            {
                if (ex is not OperationCanceledException)
                {
                    _logger.LogWarning(ex, "Request failed: {Message}", ex.Message);
                }

                item.Output.TryComplete(ex);
                Interlocked.Increment(ref _completed);
            }

            waiting.RemoveFirst();
        }
    }

    private ActiveSequence Start(WorkItem item)
    {
        var clock = Stopwatch.StartNew();
        GenerationRequest request = item.Request!;
        GenerationOptions options = request.Options ?? new GenerationOptions();
        options.Validate();
        ReusePolicy policy = request.Reuse ?? Options.DefaultReuse;
        policy.Validate(Model.NumLayers);
        RequestLayout layout = BuildLayout(request, policy.Namespace);

        using var scope = NewDisposeScope();
        var table = new BlockTable(_pool);
        try
        {
            Tensor logits = Model.Logits(_prefill.Run(layout, policy, table, out ReuseReport report));
            var seq = new ActiveSequence(layout.TokenIds, options, table, Tokenizer, _eosIds, ContextLength, report, clock, item.Output, item.CancellationToken);
            seq.MarkFirstToken();
            seq.Accept(logits[0].cpu().data<float>().ToArray());
            return seq;
        }
        catch
        {
            table.Dispose();
            throw;
        }
    }

    /// <summary>Recomputes a preempted sequence's KV (prefix cache first) and takes its next token.</summary>
    private void Resume(ActiveSequence seq)
    {
        using var scope = NewDisposeScope();
        var policy = new ReusePolicy { Mode = ReuseMode.PrefixOnly };
        var table = new BlockTable(_pool);
        try
        {
            Tensor logits = Model.Logits(_prefill.Run(RequestLayout.Plain(seq.Tokens), policy, table, out _));
            seq.Table.Dispose();
            seq.Table = table;
            seq.Accept(logits[0].cpu().data<float>().ToArray());
        }
        catch
        {
            table.Dispose();
            throw;
        }
    }

    private void DecodeStep(List<ActiveSequence> running, Queue<ActiveSequence> resume)
    {
        // Room for every sequence's next token; preempt the youngest when the pool is full.
        for (int i = 0; i < running.Count; i++)
        {
            ActiveSequence seq = running[i];
            while (true)
            {
                try
                {
                    seq.Table.EnsureCapacity(seq.Tokens.Count);
                    break;
                }
                catch (KvCacheExhaustedException ex)
                {
                    ActiveSequence victim = running[^1];
                    if (victim == seq && running.Count == 1)
                    {
                        running.RemoveAt(i);
                        _running = running.Count;
                        Finish(seq, ex);
                        return;
                    }

                    running.RemoveAt(running.Count - 1);
                    victim.Table.Dispose();
                    victim.Table = new BlockTable(_pool);
                    resume.Enqueue(victim);
                    Interlocked.Increment(ref _preemptions);
                    if (victim == seq)
                    {
                        break;
                    }
                }
            }
        }

        if (running.Count == 0)
        {
            return;
        }

        using var scope = NewDisposeScope();
        Tensor logits = DenseForward.DecodeBatch(Model, running.Select(s => (s.Table, (IReadOnlyList<int>)s.Tokens)).ToArray());
        float[] all = logits.cpu().data<float>().ToArray();
        int vocab = (int)logits.shape[1];
        Interlocked.Increment(ref _decodeSteps);
        if (running.Count > 1)
        {
            Interlocked.Increment(ref _batchedDecodeSteps);
        }

        _maxDecodeBatch = Math.Max(_maxDecodeBatch, running.Count);
        for (int i = 0; i < running.Count; i++)
        {
            running[i].Accept(all.AsSpan(i * vocab, vocab));
        }

        // The counts first, then the blocks and the end of each stream (ActiveSequence.Dispose): whoever sees its stream end
        // sees its sequence gone from the running count and its blocks free.
        List<ActiveSequence> done = running.FindAll(s => s.Finished);
        running.RemoveAll(s => s.Finished);
        _running = running.Count;
        foreach (ActiveSequence seq in done)
        {
            Interlocked.Increment(ref _completed);
            seq.Dispose();
        }
    }

    private void Keep(ActiveSequence seq, List<ActiveSequence> running)
    {
        if (seq.Finished)
        {
            Interlocked.Increment(ref _completed);
            seq.Dispose();
        }
        else
        {
            running.Add(seq);
            _running = running.Count;
        }
    }

    private void DropCancelled(List<ActiveSequence> running)
    {
        for (int i = running.Count - 1; i >= 0; i--)
        {
            if (running[i].CancellationToken.IsCancellationRequested)
            {
                ActiveSequence seq = running[i];
                running.RemoveAt(i);
                _running = running.Count;
                Finish(seq, new OperationCanceledException(seq.CancellationToken));
            }
        }
    }

    private void Finish(ActiveSequence seq, Exception error)
    {
        seq.Fail(error);
        Interlocked.Increment(ref _completed);
        seq.Dispose();
    }

    private sealed record WorkItem(GenerationRequest? Request, ChannelWriter<GenerationUpdate> Output, CancellationToken CancellationToken, Action? Action = null);
}
