using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SparseX.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the hosted SparseX engine.</summary>
public static class SparseXEngineServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="SparseXEngineHost"/> (a hosted service that loads the model when the host starts),
    /// <see cref="ISparseXEngineClient"/> and <see cref="SparseXEngineHealthCheck"/>, with options set by a delegate
    /// and validated at start.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddSparseXEngine(this IServiceCollection services, Action<SparseXEngineOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<SparseXEngineOptions>().Configure(configure);
        return AddCore(services);
    }

    /// <summary>
    /// Registers <see cref="SparseXEngineHost"/> (a hosted service that loads the model when the host starts),
    /// <see cref="ISparseXEngineClient"/> and <see cref="SparseXEngineHealthCheck"/>, with options bound from a
    /// configuration section (conventionally <see cref="SparseXEngineOptions.SectionName"/>) and validated at start.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The section holding the options, e.g. <c>configuration.GetSection("SparseX:Engine")</c>.</param>
    /// <param name="configure">Optionally adjusts the options after binding.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddSparseXEngine(this IServiceCollection services, IConfiguration configuration, Action<SparseXEngineOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        OptionsBuilder<SparseXEngineOptions> options = services.AddOptions<SparseXEngineOptions>().Bind(configuration);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        return AddCore(services);
    }

    private static IServiceCollection AddCore(IServiceCollection services)
    {
        services.AddOptions<SparseXEngineOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SparseXEngineOptions>, SparseXEngineOptionsValidator>());
        services.TryAddSingleton(sp => new SparseXEngineHost(
            sp.GetRequiredService<IOptions<SparseXEngineOptions>>(),
            sp.GetService<ILoggerFactory>(),
            sp.GetService<IMeterFactory>()));
        services.TryAddSingleton<ISparseXEngineClient>(sp => sp.GetRequiredService<SparseXEngineHost>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, SparseXEngineHost>(sp => sp.GetRequiredService<SparseXEngineHost>()));
        services.TryAddSingleton<SparseXEngineHealthCheck>();
        return services;
    }
}
