using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using SparseX.Engine.Runtime;
using SparseX.SemanticKernel;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="SparseXChatClient"/> (DESIGN §6): each method returns the <see cref="ChatClientBuilder"/>
/// so the caller can chain <c>UseFunctionInvocation()</c>, <c>UseOpenTelemetry()</c>, <c>UseLogging()</c>, ….</summary>
public static class SparseXServiceCollectionExtensions
{
    /// <summary>Registers a chat client over the <see cref="ISparseXGenerator"/> registered in the container.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Configures the client's options.</param>
    /// <param name="lifetime">The client's lifetime.</param>
    /// <returns>The builder of the client pipeline.</returns>
    public static ChatClientBuilder AddSparseXChatClient(this IServiceCollection services, Action<SparseXChatClientOptions>? configure = null, ServiceLifetime lifetime = ServiceLifetime.Singleton)
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.AddChatClient(sp => Create(sp.GetRequiredService<ISparseXGenerator>(), configure), lifetime);
    }

    /// <summary>Registers a chat client over <paramref name="generator"/>.</summary>
    /// <param name="services">The services.</param>
    /// <param name="generator">The engine (not disposed by the client).</param>
    /// <param name="configure">Configures the client's options.</param>
    /// <param name="lifetime">The client's lifetime.</param>
    /// <returns>The builder of the client pipeline.</returns>
    public static ChatClientBuilder AddSparseXChatClient(this IServiceCollection services, ISparseXGenerator generator, Action<SparseXChatClientOptions>? configure = null, ServiceLifetime lifetime = ServiceLifetime.Singleton)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(generator);
        return services.AddChatClient(_ => Create(generator, configure), lifetime);
    }

    /// <summary>Loads an in-process engine (see <see cref="AddSparseXEngineGenerator"/>) and registers a chat client over it.</summary>
    /// <param name="services">The services.</param>
    /// <param name="engineOptions">The engine's options (checkpoint, device, cache sizes).</param>
    /// <param name="configure">Configures the client's options.</param>
    /// <returns>The builder of the client pipeline.</returns>
    public static ChatClientBuilder AddSparseXChatClient(this IServiceCollection services, EngineOptions engineOptions, Action<SparseXChatClientOptions>? configure = null)
    {
        services.AddSparseXEngineGenerator(engineOptions);
        return services.AddSparseXChatClient(configure);
    }

    /// <summary>Registers a keyed chat client over the <see cref="ISparseXGenerator"/> registered under the same key, or else the unkeyed one.</summary>
    /// <param name="services">The services.</param>
    /// <param name="serviceKey">The key.</param>
    /// <param name="configure">Configures the client's options.</param>
    /// <param name="lifetime">The client's lifetime.</param>
    /// <returns>The builder of the client pipeline.</returns>
    public static ChatClientBuilder AddKeyedSparseXChatClient(this IServiceCollection services, object? serviceKey, Action<SparseXChatClientOptions>? configure = null, ServiceLifetime lifetime = ServiceLifetime.Singleton)
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.AddKeyedChatClient(
            serviceKey,
            sp => Create(sp.GetKeyedService<ISparseXGenerator>(serviceKey) ?? sp.GetRequiredService<ISparseXGenerator>(), configure),
            lifetime);
    }

    /// <summary>
    /// Registers an in-process <see cref="SparseXEngine"/> (loaded on first use, disposed with the container) and an
    /// <see cref="ISparseXGenerator"/> over it, unless they are registered already.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="engineOptions">The engine's options.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddSparseXEngineGenerator(this IServiceCollection services, EngineOptions engineOptions)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(engineOptions);
        engineOptions.Validate();
        services.TryAddSingleton(sp => SparseXEngine.Load(engineOptions, sp.GetService<ILoggerFactory>()?.CreateLogger("SparseX.Engine")));
        services.TryAddSingleton<ISparseXGenerator>(sp => new SparseXEngineGenerator(sp.GetRequiredService<SparseXEngine>()));
        return services;
    }

    /// <summary>
    /// Registers an <see cref="ISparseXGenerator"/> over the hosted engine registered by <c>AddSparseXEngine</c>
    /// (<see cref="SparseXHostedGenerator"/>), unless a generator is registered already; chat clients added with
    /// <see cref="AddSparseXChatClient(IServiceCollection, Action{SparseXChatClientOptions}?, ServiceLifetime)"/> then share the host's engine.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddSparseXHostedGenerator(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<ISparseXGenerator>(sp => SparseXHostedGenerator.Create(
            sp.GetRequiredService<SparseX.Hosting.ISparseXEngineClient>(),
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<SparseX.Hosting.SparseXEngineOptions>>()));
        return services;
    }

    private static SparseXChatClient Create(ISparseXGenerator generator, Action<SparseXChatClientOptions>? configure)
    {
        var options = new SparseXChatClientOptions();
        configure?.Invoke(options);
        return new SparseXChatClient(generator, options);
    }
}
