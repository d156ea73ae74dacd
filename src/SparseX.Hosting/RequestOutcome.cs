namespace SparseX.Hosting;

/// <summary>How a request handled by the host ended (the <see cref="SparseXMetrics.OutcomeTag"/> values).</summary>
internal enum RequestOutcome
{
    /// <summary>The stream ended with a finish reason.</summary>
    Completed,

    /// <summary>The caller cancelled or abandoned the stream, or shutdown cancelled it.</summary>
    Cancelled,

    /// <summary>The request failed (invalid input or an engine fault).</summary>
    Failed,

    /// <summary>The request was never admitted (queue full with fail-fast, or engine unavailable).</summary>
    Rejected,
}
