using SparseX.Engine.Reuse;

namespace SparseX.SemanticKernel;

/// <summary>Settings of a <see cref="SparseXChatClient"/>.</summary>
public sealed class SparseXChatClientOptions
{
    /// <summary>Gets or sets the maximum number of tokens generated when <c>ChatOptions.MaxOutputTokens</c> is not set;
    /// null leaves the engine's default.</summary>
    public int? DefaultMaxOutputTokens { get; set; }

    /// <summary>Gets or sets the reuse policy of requests that do not set one with
    /// <see cref="SparseXChatOptionsExtensions.WithSparseXReuse"/>; null leaves the engine's default.</summary>
    public ReusePolicy? DefaultReuse { get; set; }

    /// <summary>Gets or sets how tool calls are read from the model's output.</summary>
    public SparseXToolCallFormat ToolCallFormat { get; set; } = SparseXToolCallFormat.Auto;

    /// <summary>Gets extra chat-template variables passed to every render (e.g. <c>date_string</c>, <c>enable_thinking</c>).</summary>
    public IDictionary<string, object?> TemplateVariables { get; } = new Dictionary<string, object?>(StringComparer.Ordinal);
}
