namespace SparseX.Hosting;

/// <summary>
/// The hosted engine cannot serve the request: it has not started, is stopping or stopped, or has faulted
/// (then <see cref="Exception.InnerException"/> is the fault).
/// </summary>
public sealed class SparseXEngineUnavailableException : InvalidOperationException
{
    /// <summary>Initializes a new instance of the <see cref="SparseXEngineUnavailableException"/> class.</summary>
    /// <param name="state">The host's state.</param>
    /// <param name="message">Why the request cannot be served.</param>
    /// <param name="innerException">The fault, if any.</param>
    public SparseXEngineUnavailableException(SparseXEngineState state, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        State = state;
    }

    /// <summary>Gets the host's state when the request was refused or failed.</summary>
    public SparseXEngineState State { get; }
}
