namespace SparseX.Hosting;

/// <summary>
/// Every request slot of the hosted engine is taken and <see cref="SparseXEngineOptions.FailFastWhenQueueFull"/>
/// is set, so the request was refused instead of waiting.
/// </summary>
public sealed class SparseXQueueFullException : InvalidOperationException
{
    /// <summary>Initializes a new instance of the <see cref="SparseXQueueFullException"/> class.</summary>
    /// <param name="capacity">The number of request slots.</param>
    public SparseXQueueFullException(int capacity)
        : base($"The SparseX engine queue is full ({capacity} requests admitted, {nameof(SparseXEngineOptions)}.{nameof(SparseXEngineOptions.MaxQueuedRequests)} = {capacity}); the request was refused because {nameof(SparseXEngineOptions.FailFastWhenQueueFull)} is set. Retry later.")
    {
        Capacity = capacity;
    }

    /// <summary>Gets the number of request slots.</summary>
    public int Capacity { get; }
}
