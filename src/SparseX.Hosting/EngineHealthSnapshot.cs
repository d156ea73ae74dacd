using SparseX.Engine.Runtime;

namespace SparseX.Hosting;

/// <summary>What the health check reads from the host in one go.</summary>
/// <param name="State">The host's state.</param>
/// <param name="Fault">The load error or device fault, if any.</param>
/// <param name="Device">The configured device.</param>
/// <param name="ModelPath">The checkpoint directory.</param>
/// <param name="Architecture">The model's architecture, once loaded.</param>
/// <param name="Dtype">The compute dtype, once loaded.</param>
/// <param name="Stats">The engine's resources, once loaded.</param>
/// <param name="QueueDepth">Requests not streaming yet.</param>
/// <param name="RunningRequests">Requests streaming tokens.</param>
internal sealed record EngineHealthSnapshot(
    SparseXEngineState State,
    Exception? Fault,
    string? Device,
    string? ModelPath,
    string? Architecture,
    string? Dtype,
    EngineStats? Stats,
    int QueueDepth,
    int RunningRequests);
