using Microsoft.Extensions.Diagnostics.HealthChecks;
using SparseX.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the SparseX engine's health check.</summary>
public static class SparseXHealthChecksBuilderExtensions
{
    /// <summary>The default name of the check.</summary>
    public const string DefaultName = "sparsex-engine";

    /// <summary>
    /// Adds <see cref="SparseXEngineHealthCheck"/> (model loaded, device, KV pool pressure). Requires
    /// <see cref="SparseXEngineServiceCollectionExtensions.AddSparseXEngine(IServiceCollection, Action{SparseXEngineOptions})"/>.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="name">The check's name.</param>
    /// <param name="tags">Tags for filtering; default <c>ready</c>.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IHealthChecksBuilder AddSparseXEngine(this IHealthChecksBuilder builder, string name = DefaultName, IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);
        return builder.AddCheck<SparseXEngineHealthCheck>(name, failureStatus: HealthStatus.Unhealthy, tags: tags ?? new[] { "ready" });
    }
}
