using SparseX.Engine.Runtime;
using SparseX.Engine.Text.Templates;

namespace SparseX.SemanticKernel.Tests;

/// <summary>Passes requests to another generator and records them.</summary>
internal sealed class RecordingGenerator(ISparseXGenerator inner) : ISparseXGenerator
{
    public List<GenerationRequest> Requests { get; } = [];

    public string ModelId => inner.ModelId;

    public ChatTemplate ChatTemplate => inner.ChatTemplate;

    public IAsyncEnumerable<GenerationUpdate> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken = default)
    {
        lock (Requests)
        {
            Requests.Add(request);
        }

        return inner.GenerateAsync(request, cancellationToken);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => inner.GetService(serviceType, serviceKey);
}
