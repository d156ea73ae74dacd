using System.Text.Json;
using SparseX.Engine.Text.Templates;
using SparseX.SemanticKernel.ToolCalls;

namespace SparseX.SemanticKernel.Prompting;

/// <summary>
/// Decides how an assistant message's tool calls reach the prompt: through the template's own <c>tool_calls</c>
/// rendering, or — for a template that renders <c>content</c> only — written into the content in the model's
/// tool-call format (<see cref="ToolCallText"/>).
/// </summary>
internal static class ToolCallRendering
{
    private const string ProbeName = "sparsex_probe_function";

    /// <summary>The format to write calls into the content in, or null when the template renders them itself.</summary>
    /// <param name="template">The model's chat template.</param>
    /// <param name="configured">The client's configured tool-call format.</param>
    public static SparseXToolCallFormat? InlineFormat(ChatTemplate template, SparseXToolCallFormat configured)
    {
        if (RendersToolCalls(template))
        {
            return null;
        }

        SparseXToolCallFormat format = configured == SparseXToolCallFormat.Auto ? ToolCallParser.Detect(template.Source) : configured;
        return format == SparseXToolCallFormat.None ? SparseXToolCallFormat.Hermes : format;
    }

    /// <summary>Whether rendering an assistant message with a tool call shows the call (a probe render).</summary>
    public static bool RendersToolCalls(ChatTemplate template)
    {
        ArgumentNullException.ThrowIfNull(template);
        using JsonDocument arguments = JsonDocument.Parse("{}");
        TemplateMessage[] probe =
        [
            new("user", "?"),
            new("assistant", string.Empty) { ToolCalls = [new TemplateToolCall("call_probe", ProbeName, arguments.RootElement.Clone())] },
        ];
        try
        {
            return template.Render(probe).Contains(ProbeName, StringComparison.Ordinal);
        }
        catch (TemplateException)
        {
            return true; // a template that rejects the probe has rules of its own: leave its calls to it
        }
    }
}
