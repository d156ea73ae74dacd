using Microsoft.Extensions.Options;
using SparseX.Engine.Runtime;
using SparseX.Engine.Text.Templates;
using SparseX.Hosting;

namespace SparseX.SemanticKernel;

/// <summary>
/// An <see cref="ISparseXGenerator"/> over the hosted engine (<see cref="ISparseXEngineClient"/>, registered by
/// <c>AddSparseXEngine</c>): every <see cref="SparseXChatClient"/> built on it goes through the host's admission,
/// backpressure, metrics and continuous batching, and all of them share the host's KV pool and segment store.
/// </summary>
public sealed class SparseXHostedGenerator : ISparseXGenerator
{
    private readonly ISparseXEngineClient _engine;

    /// <summary>Initializes a new instance of the <see cref="SparseXHostedGenerator"/> class.</summary>
    /// <param name="engine">The hosted engine.</param>
    /// <param name="chatTemplate">The served model's chat template.</param>
    /// <param name="modelId">The model id reported in responses.</param>
    public SparseXHostedGenerator(ISparseXEngineClient engine, ChatTemplate chatTemplate, string modelId)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(chatTemplate);
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        _engine = engine;
        ChatTemplate = chatTemplate;
        ModelId = modelId;
    }

    /// <inheritdoc />
    public string ModelId { get; }

    /// <inheritdoc />
    public ChatTemplate ChatTemplate { get; }

    /// <summary>Creates the generator for the model the host's options name (its chat template is read from the model directory).</summary>
    /// <param name="engine">The hosted engine.</param>
    /// <param name="options">The host's options.</param>
    /// <returns>The generator.</returns>
    /// <exception cref="FileNotFoundException">The model directory has no chat template.</exception>
    public static SparseXHostedGenerator Create(ISparseXEngineClient engine, IOptions<SparseXEngineOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        string path = options.Value.ModelPath;
        ArgumentException.ThrowIfNullOrWhiteSpace(path, "SparseXEngineOptions.ModelPath");
        return new SparseXHostedGenerator(engine, ChatTemplate.FromDirectory(path), Path.GetFileName(Path.TrimEndingDirectorySeparator(path)));
    }

    /// <inheritdoc />
    public IAsyncEnumerable<GenerationUpdate> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken = default) =>
        _engine.GenerateAsync(request, cancellationToken);

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        object[] candidates = [this, _engine, ChatTemplate];
        return candidates.FirstOrDefault(serviceType.IsInstanceOfType);
    }
}
