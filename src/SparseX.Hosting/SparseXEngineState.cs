namespace SparseX.Hosting;

/// <summary>The life cycle of a <see cref="SparseXEngineHost"/>.</summary>
public enum SparseXEngineState
{
    /// <summary>The host has not started; no model is loaded.</summary>
    NotStarted,

    /// <summary>The model is loading.</summary>
    Loading,

    /// <summary>The engine serves requests.</summary>
    Running,

    /// <summary>The engine failed (load error or device fault); requests are refused.</summary>
    Faulted,

    /// <summary>The host is stopping: new requests are refused, in-flight ones drain until the deadline.</summary>
    Stopping,

    /// <summary>The host has stopped and the engine is disposed.</summary>
    Stopped,
}
