using SparseX.Engine.Runtime;
using SparseX.Engine.Text.Templates;

namespace SparseX.SemanticKernel;

/// <summary>
/// What <see cref="SparseXChatClient"/> needs from a SparseX engine: the model's chat template, and a streaming
/// generation over a request layout. The engine owns tokenization, EOS handling and the KV caches. Implemented
/// in-process by <see cref="SparseXEngineGenerator"/>; a hosted engine (a background service owning the device)
/// implements the same interface.
/// </summary>
public interface ISparseXGenerator
{
    /// <summary>Gets the model id reported in responses and in <c>ChatClientMetadata</c>.</summary>
    string ModelId { get; }

    /// <summary>Gets the model's chat template.</summary>
    ChatTemplate ChatTemplate { get; }

    /// <summary>Streams one generation.</summary>
    /// <param name="request">The request (spans, decoding options, reuse policy).</param>
    /// <param name="cancellationToken">Cancels the generation.</param>
    /// <returns>The updates; the last one carries the finish reason and the reuse report.</returns>
    IAsyncEnumerable<GenerationUpdate> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Asks the generator for an object of <paramref name="serviceType"/> (the engine, its tokenizer, …), following the
    /// <c>IChatClient.GetService</c> rules: null for a non-null key or an unknown type.
    /// </summary>
    /// <param name="serviceType">The type asked for.</param>
    /// <param name="serviceKey">An optional key; generators answer only unkeyed requests.</param>
    /// <returns>The object, or null.</returns>
    object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;
    }
}
