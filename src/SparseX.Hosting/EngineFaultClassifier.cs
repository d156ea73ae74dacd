using System.Runtime.InteropServices;

namespace SparseX.Hosting;

/// <summary>
/// Tells a device or engine fault (the engine can no longer be trusted: health turns unhealthy and the
/// other in-flight requests are failed) from an error of one request (that request fails alone).
/// </summary>
internal static class EngineFaultClassifier
{
    /// <summary>
    /// Returns whether an exception thrown by the engine for a request is a fault of the engine itself.
    /// TorchSharp reports native libtorch errors — CUDA errors such as an illegal memory access or a lost
    /// device included — as <see cref="ExternalException"/> (<see cref="SEHException"/> derives from it);
    /// running out of host memory is a fault too. Invalid requests (<see cref="ArgumentException"/>), a pool
    /// too small for one prompt, cancellation and every other managed exception fail only their request.
    /// </summary>
    /// <param name="exception">The exception.</param>
    /// <returns>True for an engine fault.</returns>
    public static bool IsFault(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception switch
        {
            OperationCanceledException or ArgumentException => false,
            ExternalException or OutOfMemoryException or InsufficientExecutionStackException => true,
            AggregateException aggregate => aggregate.InnerExceptions.Any(IsFault),
            _ => exception.InnerException is not null && IsFault(exception.InnerException),
        };
    }
}
