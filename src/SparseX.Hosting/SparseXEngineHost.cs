using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SparseX.Engine.Model;
using SparseX.Engine.Reuse;
using SparseX.Engine.Runtime;
using TorchSharp;

namespace SparseX.Hosting;

/// <summary>
/// The hosted service that owns one <see cref="SparseXEngine"/> and its device (DESIGN §7). The model
/// loads in <see cref="StartAsync"/> (the host's start waits for it); callers reach the engine through
/// <see cref="ISparseXEngineClient"/>, past a fixed number of request slots (backpressure); every request
/// is measured on meter <see cref="SparseXMetrics.MeterName"/>. A device fault fails the in-flight
/// requests and turns the host <see cref="SparseXEngineState.Faulted"/>; an invalid request fails alone.
/// Stopping refuses new requests, lets in-flight ones finish until
/// <see cref="SparseXEngineOptions.ShutdownTimeout"/>, cancels the rest and disposes the engine.
/// </summary>
public sealed class SparseXEngineHost : IHostedService, ISparseXEngineClient, IDisposable
{
    private static readonly TimeSpan AbortGrace = TimeSpan.FromSeconds(2);

    private readonly IOptions<SparseXEngineOptions> _optionsAccessor;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly SparseXEngineMetrics _metrics;
    private readonly object _sync = new();

    // Never disposed: requests link to their tokens until the last stream ends, and they hold no timers.
    private readonly CancellationTokenSource _closing = new();
    private readonly CancellationTokenSource _abort = new();
    private readonly CancellationTokenSource _faulted = new();
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private volatile SparseXEngineState _state;
    private volatile SparseXEngine? _engine;
    private volatile Exception? _fault;
    private AdmissionGate? _gate;
    private SparseXEngineOptions? _options;
    private TimeSpan _shutdownTimeout;
    private int _inFlight;
    private int _pendingFirstUpdate;

    /// <summary>Initializes a new instance of the <see cref="SparseXEngineHost"/> class.</summary>
    /// <param name="options">The options; read (and validated) when the host starts.</param>
    /// <param name="loggerFactory">The logger factory, or null for no logging.</param>
    /// <param name="meterFactory">The meter factory, or null for a meter owned by the host.</param>
    public SparseXEngineHost(IOptions<SparseXEngineOptions> options, ILoggerFactory? loggerFactory = null, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _optionsAccessor = options;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = _loggerFactory.CreateLogger<SparseXEngineHost>();
        _metrics = new SparseXEngineMetrics(meterFactory, () => QueueDepth, () => RunningRequests, () => Stats);
    }

    /// <inheritdoc />
    public SparseXEngineState State => _state;

    /// <summary>Gets the load error or device fault that made the host unhealthy, if any.</summary>
    public Exception? Fault => _fault;

    /// <summary>
    /// Gets the engine while it runs (for its tokenizer, model and segment store), or null. Requests sent to it
    /// directly bypass the host's slots and metrics; it is disposed when the host stops.
    /// </summary>
    public SparseXEngine? Engine => _engine;

    /// <inheritdoc />
    public EngineStats? Stats
    {
        get
        {
            lock (_sync)
            {
                return _engine?.Stats;
            }
        }
    }

    /// <summary>Gets the requests not streaming yet: waiting for a slot, queued in the engine or in prefill.</summary>
    public int QueueDepth => (_gate?.Waiting ?? 0) + Math.Max(0, Volatile.Read(ref _pendingFirstUpdate));

    /// <summary>Gets the admitted requests that are streaming tokens.</summary>
    public int RunningRequests => Math.Max(0, (_gate?.Admitted ?? 0) - Volatile.Read(ref _pendingFirstUpdate));

    /// <summary>
    /// Gets or sets a test seam: called for every admitted request; an exception it returns is raised as if
    /// the engine had thrown it for that request (e.g. an <see cref="System.Runtime.InteropServices.ExternalException"/>
    /// to simulate a CUDA fault, an <see cref="ArgumentException"/> for a malformed request).
    /// </summary>
    internal Func<GenerationRequest, Exception?>? RequestFaultInjector { get; set; }

    /// <summary>Validates the options and loads the model; the host's start waits for it.</summary>
    /// <param name="cancellationToken">Abandons the start (a load in progress is disposed when it ends).</param>
    /// <returns>A task that completes when the engine serves requests.</returns>
    /// <exception cref="OptionsValidationException">The options are invalid.</exception>
    /// <exception cref="SparseX.Engine.Model.ModelLoadException">The checkpoint cannot be loaded.</exception>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            if (_state != SparseXEngineState.NotStarted)
            {
                throw new InvalidOperationException($"The SparseX engine host was already started (state {_state}).");
            }

            _state = SparseXEngineState.Loading;
        }

        SparseXEngineOptions options;
        EngineOptions engineOptions;
        try
        {
            options = _optionsAccessor.Value;
            engineOptions = options.ToEngineOptions();
        }
        catch (Exception ex)
        {
            SetFault(ex, loading: true);
            throw;
        }

        _options = options;
        _shutdownTimeout = options.ShutdownTimeout;
        _gate = new AdmissionGate(options.MaxQueuedRequests, options.FailFastWhenQueueFull);
        SparseXEngineHostLog.Loading(_logger, options.ModelPath, engineOptions.Device, engineOptions.Dtype ?? "device default", options.KvCacheBytes, options.SegmentStoreBytes);
        long started = Stopwatch.GetTimestamp();
        ILogger engineLogger = _loggerFactory.CreateLogger("SparseX.Engine");
        Task<SparseXEngine> load = Task.Run(() => Load(engineOptions, options.CpuThreads, engineLogger), CancellationToken.None);
        SparseXEngine engine;
        try
        {
            engine = await load.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _ = load.ContinueWith(static t => t.Result.Dispose(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
            _state = SparseXEngineState.Stopped;
            throw;
        }
        catch (Exception ex)
        {
            SetFault(ex, loading: true);
            throw;
        }

        try
        {
            engineOptions.DefaultReuse.Validate(engine.Model.NumLayers);
        }
        catch (ArgumentException ex)
        {
            engine.Dispose();
            var invalid = new OptionsValidationException(Microsoft.Extensions.Options.Options.DefaultName, typeof(SparseXEngineOptions), new[] { $"{nameof(SparseXEngineOptions)}.{nameof(SparseXEngineOptions.DefaultReuse)}: {ex.Message}" });
            SetFault(invalid, loading: true);
            throw invalid;
        }

        lock (_sync)
        {
            if (_state == SparseXEngineState.Loading)
            {
                _engine = engine;
                _state = SparseXEngineState.Running;
            }
        }

        if (_engine != engine)
        {
            // Stopped or disposed while the model was loading.
            engine.Dispose();
            return;
        }

        SparseXEngineHostLog.Loaded(_logger, engine.Model.Config.Architecture, engine.Model.NumLayers, engine.Model.Dtype.ToString(), engine.Model.Device.ToString(), engine.Stats.KvBlocksTotal, engineOptions.BlockSize, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        if (engine.Model.ReuseCalibration is { } calibration)
        {
            SparseXEngineHostLog.Calibrated(_logger, calibration.SelectionLayer, ReuseCalibration.FileName);
        }
    }

    /// <summary>
    /// Refuses new requests, waits for in-flight ones until <see cref="SparseXEngineOptions.ShutdownTimeout"/>
    /// (or until <paramref name="cancellationToken"/> fires), cancels those still running and disposes the engine.
    /// </summary>
    /// <param name="cancellationToken">The host's shutdown token; when it fires, in-flight requests are cancelled at once.</param>
    /// <returns>A task that completes when the engine is disposed.</returns>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            if (_state is SparseXEngineState.Stopping or SparseXEngineState.Stopped)
            {
                return;
            }

            _state = SparseXEngineState.Stopping;
        }

        long started = Stopwatch.GetTimestamp();
        SparseXEngineHostLog.Stopping(_logger, Volatile.Read(ref _inFlight), (long)_shutdownTimeout.TotalMilliseconds);
        _closing.Cancel();
        if (Volatile.Read(ref _inFlight) == 0)
        {
            _drained.TrySetResult();
        }

        using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            deadline.CancelAfter(_shutdownTimeout);
            try
            {
                await _drained.Task.WaitAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                SparseXEngineHostLog.CancellingInFlight(_logger, Volatile.Read(ref _inFlight));
                _abort.Cancel();

                // Cancelled requests leave within one engine step; a caller that stopped reading its stream is not waited for.
                await Task.WhenAny(_drained.Task, Task.Delay(AbortGrace, CancellationToken.None)).ConfigureAwait(false);
            }
        }

        SparseXEngine? engine;
        lock (_sync)
        {
            engine = _engine;
            _engine = null;
            _state = SparseXEngineState.Stopped;
        }

        if (engine is not null)
        {
            // Dispose joins the engine thread, which finishes (or cancels) its current step first.
            await Task.Run(engine.Dispose, CancellationToken.None).ConfigureAwait(false);
        }

        SparseXEngineHostLog.Stopped(_logger, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<GenerationUpdate> GenerateAsync(GenerationRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        long start = Stopwatch.GetTimestamp();
        SparseXEngine engine = await EnterAsync(cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref _pendingFirstUpdate);
        bool pending = true;
        long previousTokens = 0;
        RequestOutcome outcome = RequestOutcome.Cancelled;
        IAsyncEnumerator<GenerationUpdate>? updates = null;
        CancellationTokenSource linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _abort.Token, _faulted.Token);
        try
        {
            IAsyncEnumerable<GenerationUpdate> source = RequestFaultInjector?.Invoke(request) is { } injected
                ? Throw(injected)
                : engine.GenerateAsync(request, linked.Token);
            updates = source.GetAsyncEnumerator(linked.Token);
            while (true)
            {
                GenerationUpdate update;
                try
                {
                    if (!await updates.MoveNextAsync().ConfigureAwait(false))
                    {
                        break;
                    }

                    update = updates.Current;
                }
                catch (Exception ex)
                {
                    Exception translated = Translate(ex, cancellationToken, out outcome);
                    if (ReferenceEquals(translated, ex))
                    {
                        throw;
                    }

                    throw translated;
                }

                long now = Stopwatch.GetTimestamp();
                if (pending)
                {
                    pending = false;
                    Interlocked.Decrement(ref _pendingFirstUpdate);
                    _metrics.FirstToken(Stopwatch.GetElapsedTime(start, now).TotalMilliseconds);
                }

                if (update.TokenIds.Count > 0)
                {
                    _metrics.Tokens(update.TokenIds.Count, previousTokens == 0 ? null : Stopwatch.GetElapsedTime(previousTokens, now).TotalMilliseconds);
                    previousTokens = now;
                }

                if (update.Report is { } report)
                {
                    _metrics.Report(report);
                }

                yield return update;
            }

            outcome = RequestOutcome.Completed;
        }
        finally
        {
            if (pending)
            {
                Interlocked.Decrement(ref _pendingFirstUpdate);
            }

            if (outcome != RequestOutcome.Completed)
            {
                // Abandoned, cancelled or failed: make the engine drop the request and free its blocks at its next step.
                linked.Cancel();
            }

            if (updates is not null)
            {
                await updates.DisposeAsync().ConfigureAwait(false);
            }

            linked.Dispose();
            _metrics.Finished(outcome);
            Leave();
        }
    }

    /// <inheritdoc />
    public async Task<GenerationResult> GenerateTextAsync(GenerationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await GenerateAsync(request, cancellationToken).CollectAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> WarmAsync(PromptSpan segment, string ns = "default", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(segment);
        ArgumentException.ThrowIfNullOrEmpty(ns);
        SparseXEngine engine = await EnterAsync(cancellationToken).ConfigureAwait(false);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _abort.Token, _faulted.Token);
        try
        {
            return await engine.WarmAsync(segment, ns, linked.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Exception translated = Translate(ex, cancellationToken, out _);
            if (ReferenceEquals(translated, ex))
            {
                throw;
            }

            throw translated;
        }
        finally
        {
            Leave();
        }
    }

    /// <summary>Stops the engine at once (cancelling in-flight requests) if the host did not stop it.</summary>
    public void Dispose()
    {
        SparseXEngine? engine;
        lock (_sync)
        {
            engine = _engine;
            _engine = null;
            if (_state != SparseXEngineState.Faulted)
            {
                _state = SparseXEngineState.Stopped;
            }
        }

        _closing.Cancel();
        _abort.Cancel();
        engine?.Dispose();
        _metrics.Dispose();
    }

    /// <summary>Reads what the health check reports.</summary>
    /// <returns>The snapshot.</returns>
    internal EngineHealthSnapshot GetHealthSnapshot()
    {
        SparseXEngineOptions? options = _options;
        SparseXEngine? engine;
        EngineStats? stats;
        lock (_sync)
        {
            engine = _engine;
            stats = engine?.Stats;
        }

        return new EngineHealthSnapshot(
            _state,
            _fault,
            engine?.Model.Device.ToString() ?? options?.Device,
            options?.ModelPath,
            engine?.Model.Config.Architecture,
            engine?.Model.Dtype.ToString(),
            stats,
            QueueDepth,
            RunningRequests);
    }

    private static SparseXEngine Load(EngineOptions options, int? cpuThreads, ILogger logger)
    {
        if (cpuThreads is { } threads)
        {
            // The engine has no thread option yet: bring up the same libtorch it will use and set it process-wide.
            TorchRuntime.Initialize(options.LibTorchDirectory);
            torch.set_num_threads(threads);
        }

        return SparseXEngine.Load(options, logger);
    }

    private static async IAsyncEnumerable<GenerationUpdate> Throw(Exception exception)
    {
        await Task.Yield();
        if (exception is not null)
        {
            throw exception;
        }

        yield break;
    }

    private async ValueTask<SparseXEngine> EnterAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _inFlight);
        bool admitted = false;
        try
        {
            RequireEngine();
            AdmissionGate gate = _gate!;
            using (var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closing.Token, _faulted.Token))
            {
                try
                {
                    if (!await gate.EnterAsync(wait.Token).ConfigureAwait(false))
                    {
                        SparseXEngineHostLog.WaitingForSlot(_logger, gate.Capacity);
                    }
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    throw Unavailable(_state);
                }
            }

            admitted = true;
            return RequireEngine();
        }
        catch (Exception ex)
        {
            if (admitted)
            {
                _gate!.Exit();
            }

            _metrics.Finished(ex is OperationCanceledException ? RequestOutcome.Cancelled : RequestOutcome.Rejected);
            LeaveInFlight();
            throw;
        }
    }

    private void Leave()
    {
        _gate!.Exit();
        LeaveInFlight();
    }

    private void LeaveInFlight()
    {
        if (Interlocked.Decrement(ref _inFlight) == 0 && _closing.IsCancellationRequested)
        {
            _drained.TrySetResult();
        }
    }

    private SparseXEngine RequireEngine()
    {
        SparseXEngineState state = _state;
        SparseXEngine? engine = _engine;
        if (state == SparseXEngineState.Running && engine is not null)
        {
            return engine;
        }

        throw Unavailable(state);
    }

    private SparseXEngineUnavailableException Unavailable(SparseXEngineState state) => _fault is { } fault
        ? new SparseXEngineUnavailableException(SparseXEngineState.Faulted, $"The SparseX engine faulted and refuses requests until the host restarts: {fault.Message}", fault)
        : state switch
        {
            SparseXEngineState.NotStarted or SparseXEngineState.Loading => new SparseXEngineUnavailableException(state, "The SparseX engine is not started yet (its model is not loaded); start the host before sending requests."),
            _ => new SparseXEngineUnavailableException(state, "The SparseX engine is stopping or stopped; the request was not run."),
        };

    private Exception Translate(Exception exception, CancellationToken callerToken, out RequestOutcome outcome)
    {
        if (exception is OperationCanceledException)
        {
            if (callerToken.IsCancellationRequested)
            {
                outcome = RequestOutcome.Cancelled;
                return exception;
            }

            if (_faulted.IsCancellationRequested)
            {
                outcome = RequestOutcome.Failed;
                return new SparseXEngineUnavailableException(SparseXEngineState.Faulted, $"The SparseX engine faulted while this request was running: {_fault?.Message}", _fault);
            }

            outcome = RequestOutcome.Cancelled;
            return _abort.IsCancellationRequested
                ? new OperationCanceledException("The SparseX engine host is stopping and its shutdown deadline passed; the request was cancelled.", exception, _abort.Token)
                : exception;
        }

        if (_abort.IsCancellationRequested && exception is ChannelClosedException or ObjectDisposedException)
        {
            outcome = RequestOutcome.Cancelled;
            return new OperationCanceledException("The SparseX engine host stopped; the request was cancelled.", exception, _abort.Token);
        }

        outcome = RequestOutcome.Failed;
        if (EngineFaultClassifier.IsFault(exception))
        {
            SetFault(exception, loading: false);
        }
        else
        {
            SparseXEngineHostLog.RequestFailed(_logger, exception.Message);
        }

        return exception;
    }

    private void SetFault(Exception exception, bool loading)
    {
        lock (_sync)
        {
            if (_fault is not null)
            {
                return;
            }

            _fault = exception;
            if (_state is SparseXEngineState.Loading or SparseXEngineState.Running)
            {
                _state = SparseXEngineState.Faulted;
            }
        }

        if (loading)
        {
            SparseXEngineHostLog.LoadFailed(_logger, _options?.ModelPath ?? "(options invalid)", exception.Message, exception);
        }
        else
        {
            SparseXEngineHostLog.Faulted(_logger, exception.Message, exception);
        }

        _faulted.Cancel();
    }
}
