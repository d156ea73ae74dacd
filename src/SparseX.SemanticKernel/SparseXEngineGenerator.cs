using SparseX.Engine.Runtime;
using SparseX.Engine.Text.Templates;

namespace SparseX.SemanticKernel;

/// <summary>An <see cref="ISparseXGenerator"/> over an in-process <see cref="SparseXEngine"/>.</summary>
public sealed class SparseXEngineGenerator : ISparseXGenerator, IDisposable
{
    private readonly bool _ownsEngine;

    /// <summary>Wraps an engine.</summary>
    /// <param name="engine">The engine.</param>
    /// <param name="ownsEngine">Whether <see cref="Dispose"/> disposes the engine.</param>
    /// <param name="chatTemplate">The chat template; by default the checkpoint's own (<see cref="ChatTemplate.FromDirectory"/>).</param>
    /// <param name="modelId">The model id; by default the checkpoint directory's name.</param>
    /// <exception cref="FileNotFoundException">No template was given and the checkpoint has none.</exception>
    public SparseXEngineGenerator(SparseXEngine engine, bool ownsEngine = false, ChatTemplate? chatTemplate = null, string? modelId = null)
    {
        ArgumentNullException.ThrowIfNull(engine);
        Engine = engine;
        _ownsEngine = ownsEngine;
        ChatTemplate = chatTemplate ?? ChatTemplate.FromDirectory(engine.Options.ModelPath);
        ModelId = modelId ?? Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(engine.Options.ModelPath)));
    }

    /// <summary>Gets the engine.</summary>
    public SparseXEngine Engine { get; }

    /// <inheritdoc />
    public string ModelId { get; }

    /// <inheritdoc />
    public ChatTemplate ChatTemplate { get; }

    /// <inheritdoc />
    public IAsyncEnumerable<GenerationUpdate> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken = default) =>
        Engine.GenerateAsync(request, cancellationToken);

    /// <summary>Returns this generator, the engine, its tokenizer, segment store or chat template, by type.</summary>
    /// <param name="serviceType">The type asked for.</param>
    /// <param name="serviceKey">An optional key; only unkeyed requests are answered.</param>
    /// <returns>The object, or null.</returns>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        object[] candidates = [this, Engine, Engine.Tokenizer, Engine.Segments, ChatTemplate];
        return candidates.FirstOrDefault(serviceType.IsInstanceOfType);
    }

    /// <summary>Disposes the engine if this generator owns it.</summary>
    public void Dispose()
    {
        if (_ownsEngine)
        {
            Engine.Dispose();
        }
    }
}
