using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.SemanticKernel.ChatCompletion;
using SparseX.SemanticKernel;

namespace Microsoft.SemanticKernel;

/// <summary>
/// Semantic Kernel registration of <see cref="SparseXChatClient"/> (DESIGN §6), in the shape of SK's own local-model
/// connectors: the client is wrapped with logging (when a logger factory is registered) and SK's kernel function
/// invocation, so kernel functions offered with <c>FunctionChoiceBehavior.Auto()</c> are called automatically.
/// </summary>
public static class SparseXKernelBuilderExtensions
{
    /// <summary>Registers the client as the kernel's <see cref="IChatClient"/>.</summary>
    /// <param name="builder">The kernel builder.</param>
    /// <param name="generator">The engine; null takes the <see cref="ISparseXGenerator"/> registered in the kernel's services.</param>
    /// <param name="options">The client's options.</param>
    /// <param name="serviceId">The service id (key), or null.</param>
    /// <returns>The builder.</returns>
    public static IKernelBuilder AddSparseXChatClient(this IKernelBuilder builder, ISparseXGenerator? generator = null, SparseXChatClientOptions? options = null, string? serviceId = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddKeyedSingleton<IChatClient>(serviceId, (sp, _) => Build(sp, generator, options));
        return builder;
    }

    /// <summary>Registers the client as the kernel's <see cref="IChatCompletionService"/>.</summary>
    /// <param name="builder">The kernel builder.</param>
    /// <param name="generator">The engine; null takes the <see cref="ISparseXGenerator"/> registered in the kernel's services.</param>
    /// <param name="options">The client's options.</param>
    /// <param name="serviceId">The service id (key), or null.</param>
    /// <returns>The builder.</returns>
    public static IKernelBuilder AddSparseXChatCompletion(this IKernelBuilder builder, ISparseXGenerator? generator = null, SparseXChatClientOptions? options = null, string? serviceId = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddKeyedSingleton<IChatCompletionService>(serviceId, (sp, _) => Build(sp, generator, options).AsChatCompletionService(sp));
        return builder;
    }

    private static IChatClient Build(IServiceProvider services, ISparseXGenerator? generator, SparseXChatClientOptions? options)
    {
        ILoggerFactory? loggerFactory = services.GetService<ILoggerFactory>();
        var client = new SparseXChatClient(generator ?? services.GetRequiredService<ISparseXGenerator>(), options);
        ChatClientBuilder pipeline = client.AsBuilder();
        if (loggerFactory is not null)
        {
            pipeline.UseLogging(loggerFactory);
        }

        return pipeline.UseKernelFunctionInvocation(loggerFactory).Build(services);
    }
}
