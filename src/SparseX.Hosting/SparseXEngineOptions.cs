using SparseX.Engine.Runtime;

namespace SparseX.Hosting;

/// <summary>
/// Settings of the hosted SparseX engine, bound from configuration (by convention the <c>SparseX:Engine</c>
/// section) or set by a delegate, and validated when the host starts.
/// </summary>
public sealed class SparseXEngineOptions
{
    /// <summary>The configuration section the options are conventionally bound from.</summary>
    public const string SectionName = "SparseX:Engine";

    /// <summary>Gets or sets the Hugging Face checkpoint directory (config.json, *.safetensors, tokenizer.json). Required.</summary>
    public string ModelPath { get; set; } = string.Empty;

    /// <summary>Gets or sets the device: <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c>.</summary>
    public string Device { get; set; } = "cpu";

    /// <summary>Gets or sets the compute dtype: <c>float32</c>, <c>bfloat16</c> or <c>float16</c>; null or empty = float32 on CPU, bfloat16 on CUDA.</summary>
    public string? Dtype { get; set; }

    /// <summary>Gets or sets the KV pool size in bytes.</summary>
    public long KvCacheBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Gets or sets the segment store budget in bytes (0 disables segment reuse across requests).</summary>
    public long SegmentStoreBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Gets or sets the tokens per KV block.</summary>
    public int BlockSize { get; set; } = 16;

    /// <summary>
    /// Gets or sets how many requests the host admits at once (queued in the engine or running). Further
    /// callers wait for a slot, or fail with <see cref="SparseXQueueFullException"/> when
    /// <see cref="FailFastWhenQueueFull"/> is set. A request holds its slot until its stream is consumed or disposed.
    /// </summary>
    public int MaxQueuedRequests { get; set; } = 64;

    /// <summary>Gets or sets a value indicating whether callers fail at once instead of waiting when all slots are taken.</summary>
    public bool FailFastWhenQueueFull { get; set; }

    /// <summary>
    /// Gets or sets how long stopping the host waits for in-flight requests to finish; after it they are
    /// cancelled (within one engine step) and the engine is disposed.
    /// </summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Gets or sets the number of CPU threads libtorch uses inside one operation (<c>torch.set_num_threads</c>), or null
    /// for libtorch's default (one per core). Process-wide. On a machine shared with other busy processes, 1 avoids
    /// the stalls of OpenMP threads waiting for each other (measured here: a 300-request soak on 2 busy cores took
    /// 61 s with the default and 4 s with 1 thread on the tiny fixture model).
    /// </summary>
    public int? CpuThreads { get; set; }

    /// <summary>Gets or sets a libtorch directory to load before TorchSharp (e.g. a PyTorch install's torch/lib for CUDA).</summary>
    public string? LibTorchDirectory { get; set; }

    /// <summary>Gets the reuse policy of requests that do not give one.</summary>
    public SparseXReuseOptions DefaultReuse { get; } = new();

    /// <summary>Builds the engine's options.</summary>
    /// <returns>The engine options.</returns>
    internal EngineOptions ToEngineOptions() => new()
    {
        ModelPath = ModelPath,
        Device = Device.Trim(),
        Dtype = string.IsNullOrWhiteSpace(Dtype) ? null : Dtype.Trim(),
        KvCacheBytes = KvCacheBytes,
        SegmentStoreBytes = SegmentStoreBytes,
        BlockSize = BlockSize,

        // The host admits at most MaxQueuedRequests, so the engine's own queue never blocks a caller.
        MaxQueuedRequests = MaxQueuedRequests,
        LibTorchDirectory = string.IsNullOrWhiteSpace(LibTorchDirectory) ? null : LibTorchDirectory,
        DefaultReuse = DefaultReuse.ToPolicy(),
    };
}
