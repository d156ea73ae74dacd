using SparseX.Engine.Runtime;
using SparseX.Engine.Text.Templates;
using SparseX.Hosting;
using SparseX.SemanticKernel;

namespace SparseX.Samples.Agents;

/// <summary>
/// An <see cref="ISparseXGenerator"/> over the hosted engine: every <see cref="SparseXChatClient"/> built on it sends its
/// requests through the host's admission, metrics and continuous batching, and all of them share one KV pool and
/// segment store.
/// </summary>
internal sealed class HostedEngineGenerator(ISparseXEngineClient engine, ChatTemplate chatTemplate, string modelId) : ISparseXGenerator
{
    public string ModelId { get; } = modelId;

    public ChatTemplate ChatTemplate { get; } = chatTemplate;

    public IAsyncEnumerable<GenerationUpdate> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken = default) =>
        engine.GenerateAsync(request, cancellationToken);

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        object[] candidates = [this, engine, ChatTemplate];
        return candidates.FirstOrDefault(serviceType.IsInstanceOfType);
    }
}
