using SparseX.Engine.Text.Templates;

namespace SparseX.SemanticKernel.Prompting;

/// <summary>
/// One message as the chat template sees it, with the parts its content is made of. The content is the parts' texts
/// joined by <see cref="Separator"/>, so the content span of a render can be cut back into the parts.
/// </summary>
internal sealed class PromptEntry
{
    /// <summary>What joins the parts of one message.</summary>
    public const string Separator = "\n\n";

    public PromptEntry(string role, IReadOnlyList<PromptPart> parts, IReadOnlyList<TemplateToolCall>? toolCalls = null, string? toolCallId = null, string? name = null)
    {
        Parts = parts;
        Content = string.Join(Separator, parts.Select(p => p.Text));
        Message = new TemplateMessage(role, Content) { ToolCalls = toolCalls, ToolCallId = toolCallId, Name = name };
    }

    /// <summary>Gets the message passed to the template.</summary>
    public TemplateMessage Message { get; }

    /// <summary>Gets the content parts.</summary>
    public IReadOnlyList<PromptPart> Parts { get; }

    /// <summary>Gets the content string.</summary>
    public string Content { get; }
}
