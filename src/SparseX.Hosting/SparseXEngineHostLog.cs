using Microsoft.Extensions.Logging;

namespace SparseX.Hosting;

/// <summary>Source-generated log messages of <see cref="SparseXEngineHost"/> (event ids 1000–1099).</summary>
internal static partial class SparseXEngineHostLog
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "Loading SparseX model from {ModelPath} on {Device} (dtype {Dtype}, KV pool {KvCacheBytes} bytes, segment store {SegmentStoreBytes} bytes).")]
    public static partial void Loading(ILogger logger, string modelPath, string device, string dtype, long kvCacheBytes, long segmentStoreBytes);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "SparseX engine ready: {Architecture}, {Layers} layers, {Dtype} on {Device}, {KvBlocks} KV blocks of {BlockSize} tokens; loaded in {ElapsedMs} ms.")]
    public static partial void Loaded(ILogger logger, string architecture, int layers, string dtype, string device, int kvBlocks, int blockSize, long elapsedMs);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Critical, Message = "The SparseX engine failed to load from {ModelPath}: {Reason}")]
    public static partial void LoadFailed(ILogger logger, string modelPath, string reason, Exception exception);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Critical, Message = "The SparseX engine faulted; it reports unhealthy and refuses requests until restarted: {Reason}")]
    public static partial void Faulted(ILogger logger, string reason, Exception exception);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Warning, Message = "A SparseX request failed: {Reason}")]
    public static partial void RequestFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Information, Message = "Stopping the SparseX engine: {InFlight} request(s) in flight, waiting up to {DeadlineMs} ms for them to finish.")]
    public static partial void Stopping(ILogger logger, int inFlight, long deadlineMs);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Warning, Message = "Shutdown deadline reached; cancelling {InFlight} in-flight SparseX request(s).")]
    public static partial void CancellingInFlight(ILogger logger, int inFlight);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Information, Message = "SparseX engine stopped in {ElapsedMs} ms.")]
    public static partial void Stopped(ILogger logger, long elapsedMs);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Debug, Message = "Request waits for a slot: {Capacity} requests admitted.")]
    public static partial void WaitingForSlot(ILogger logger, int capacity);

    [LoggerMessage(EventId = 1009, Level = LogLevel.Information, Message = "Sparse-Q ranks reused tokens at layer {Layer} (the checkpoint's {File}) unless a request names its own selection layer.")]
    public static partial void Calibrated(ILogger logger, int layer, string file);
}
