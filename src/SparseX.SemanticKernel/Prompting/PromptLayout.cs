using SparseX.Engine.Reuse;

namespace SparseX.SemanticKernel.Prompting;

/// <summary>A conversation turned into engine spans.</summary>
/// <param name="Spans">The spans; their texts concatenate to <paramref name="Text"/>.</param>
/// <param name="Text">The rendered prompt.</param>
/// <param name="ToolsOffered">Whether tools were rendered, so the output may hold tool calls.</param>
internal sealed record PromptLayout(IReadOnlyList<PromptSpan> Spans, string Text, bool ToolsOffered);
