using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace SparseX.Hosting;

/// <summary>
/// Reports the hosted engine's health: <see cref="HealthStatus.Unhealthy"/> before the model is loaded,
/// after a load error or device fault, and while stopping; <see cref="HealthStatus.Degraded"/> when more
/// than <see cref="DegradedPoolUsage"/> of the KV pool is in use; otherwise <see cref="HealthStatus.Healthy"/>.
/// The data names the state, device, model, dtype, pool usage and request counts.
/// </summary>
public sealed class SparseXEngineHealthCheck : IHealthCheck
{
    /// <summary>The fraction of used KV blocks above which the engine reports degraded.</summary>
    public const double DegradedPoolUsage = 0.9;

    private readonly SparseXEngineHost _host;

    /// <summary>Initializes a new instance of the <see cref="SparseXEngineHealthCheck"/> class.</summary>
    /// <param name="host">The engine host.</param>
    public SparseXEngineHealthCheck(SparseXEngineHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        _host = host;
    }

    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(Evaluate(_host.GetHealthSnapshot()));

    /// <summary>Turns a snapshot into a result.</summary>
    /// <param name="snapshot">The host's state.</param>
    /// <returns>The result.</returns>
    internal static HealthCheckResult Evaluate(EngineHealthSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var data = new Dictionary<string, object>
        {
            ["state"] = snapshot.State.ToString(),
            ["queue_depth"] = snapshot.QueueDepth,
            ["running_requests"] = snapshot.RunningRequests,
        };
        Add(data, "device", snapshot.Device);
        Add(data, "model_path", snapshot.ModelPath);
        Add(data, "architecture", snapshot.Architecture);
        Add(data, "dtype", snapshot.Dtype);
        double usage = 0;
        if (snapshot.Stats is { } stats)
        {
            usage = stats.KvBlocksTotal == 0 ? 0 : (double)stats.KvBlocksUsed / stats.KvBlocksTotal;
            data["kv_blocks_used"] = stats.KvBlocksUsed;
            data["kv_blocks_total"] = stats.KvBlocksTotal;
            data["kv_pool_usage"] = usage;
            data["prefix_cached_blocks"] = stats.PrefixCachedBlocks;
            data["segments_stored"] = stats.Segments.Entries;
            data["requests_completed"] = stats.RequestsCompleted;
        }

        if (snapshot.Fault is { } fault)
        {
            data["fault"] = fault.GetType().FullName ?? fault.GetType().Name;
            string when = snapshot.Stats is null && snapshot.Architecture is null ? "failed to load" : "faulted";
            return HealthCheckResult.Unhealthy($"The SparseX engine {when}: {fault.Message}", fault, data);
        }

        return snapshot.State switch
        {
            SparseXEngineState.NotStarted or SparseXEngineState.Loading => HealthCheckResult.Unhealthy("The SparseX engine's model is not loaded yet.", data: data),
            SparseXEngineState.Stopping or SparseXEngineState.Stopped => HealthCheckResult.Unhealthy("The SparseX engine is stopping or stopped.", data: data),
            _ when snapshot.Stats is null => HealthCheckResult.Unhealthy("The SparseX engine is not loaded.", data: data),
            _ when usage > DegradedPoolUsage => HealthCheckResult.Degraded(
                string.Create(CultureInfo.InvariantCulture, $"The SparseX KV pool is {usage:P0} used (above {DegradedPoolUsage:P0}); new requests may queue."), data: data),
            _ => HealthCheckResult.Healthy(string.Create(CultureInfo.InvariantCulture, $"The SparseX engine serves {snapshot.Architecture} on {snapshot.Device}; KV pool {usage:P0} used."), data),
        };
    }

    private static void Add(Dictionary<string, object> data, string key, string? value)
    {
        if (value is not null)
        {
            data[key] = value;
        }
    }
}
