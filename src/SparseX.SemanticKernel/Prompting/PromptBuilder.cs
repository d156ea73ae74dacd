using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using SparseX.Engine.Reuse;
using SparseX.Engine.Text.Templates;
using SparseX.SemanticKernel.ToolCalls;

namespace SparseX.SemanticKernel.Prompting;

/// <summary>
/// Turns a conversation into engine spans (DESIGN §3, §6): messages become template messages with tagged parts, the
/// model's template renders them with known content boundaries (<see cref="ChatTemplate.RenderSpans"/>), and each
/// content part becomes a segment of its kind or plain text; template glue is plain text.
/// </summary>
internal static class PromptBuilder
{
    /// <summary>Builds the layout of one request.</summary>
    /// <exception cref="NotSupportedException">A message holds non-text content (images, audio, URIs, …).</exception>
    /// <exception cref="TemplateException">The chat template rejected the conversation.</exception>
    /// <param name="messages">The conversation.</param>
    /// <param name="options">The request's options (instructions, tools).</param>
    /// <param name="template">The model's chat template.</param>
    /// <param name="variables">Extra template variables.</param>
    /// <param name="inlineToolCalls">For a template that does not render <c>tool_calls</c>: the format in which an assistant
    /// message's calls are written into its content (<see cref="ToolCallRendering"/>); null to pass them to the template.</param>
    public static PromptLayout Build(
        IEnumerable<ChatMessage> messages, ChatOptions? options, ChatTemplate template, IReadOnlyDictionary<string, object?>? variables, SparseXToolCallFormat? inlineToolCalls = null)
    {
        var list = messages.Select((m, i) => m ?? throw new ArgumentException($"Message {i} is null.", nameof(messages))).ToList();
        int question = MessageClassifier.FindQuestion(list);
        var entries = new List<PromptEntry>();
        if (!string.IsNullOrEmpty(options?.Instructions))
        {
            entries.Add(new PromptEntry("system", [new PromptPart(options.Instructions, SegmentKind.System, "instructions")]));
        }

        var callNames = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < list.Count; i++)
        {
            AddEntries(list[i], i, i == question, entries, callNames, inlineToolCalls);
        }

        JsonElement? tools = ToolSchemas.Build(options);
        TemplateRendering rendering = template.RenderSpans(entries.Select(e => e.Message).ToList(), tools, addGenerationPrompt: true, variables);
        return new PromptLayout(ToSpans(rendering, entries), rendering.Text, tools is not null);
    }

    private static void AddEntries(
        ChatMessage message, int index, bool isQuestion, List<PromptEntry> entries, Dictionary<string, string> callNames, SparseXToolCallFormat? inlineToolCalls)
    {
        SparseXSegmentTag? messageTag = MessageClassifier.Classify(message, isQuestion);
        string role = MessageClassifier.IsSystemRole(message.Role) ? "system" : message.Role.Value;
        var parts = new List<PromptPart>();
        var toolCalls = new List<TemplateToolCall>();
        var inlineCalls = new List<FunctionCallContent>();
        var results = new List<PromptEntry>();
        foreach (AIContent content in message.Contents)
        {
            SparseXSegmentTag? tag = content.GetSparseXSegment();
            switch (content)
            {
                case TextContent text when !string.IsNullOrEmpty(text.Text):
                    parts.Add(Part(text.Text, tag ?? messageTag));
                    break;
                case TextContent:
                case TextReasoningContent:
                case UsageContent:
                case ErrorContent:
                    break;
                case DataContent data when data.HasTopLevelMediaType("text"):
                    parts.Add(Part(Encoding.UTF8.GetString(data.Data.Span), tag ?? new SparseXSegmentTag(SegmentKind.Document, data.Name)));
                    break;
                case FunctionCallContent call when inlineToolCalls is not null:
                    inlineCalls.Add(call);
                    callNames[call.CallId] = call.Name;
                    break;
                case FunctionCallContent call:
                    toolCalls.Add(new TemplateToolCall(call.CallId, call.Name, ToolCallArguments(call.Arguments)));
                    callNames[call.CallId] = call.Name;
                    break;
                case FunctionResultContent result:
                    // One tool message per part of a multi-part result (each its own segment), else one for the whole result.
                    SparseXSegmentTag resultTag = tag ?? messageTag ?? new SparseXSegmentTag(SegmentKind.ToolOutput);
                    IReadOnlyList<string> texts = ToolResultParts.Texts(result, index);
                    for (int p = 0; p < texts.Count; p++)
                    {
                        string id = resultTag.Id ?? (texts.Count == 1 ? result.CallId : $"{result.CallId}#{p}");
                        results.Add(new PromptEntry("tool", [Part(texts[p], resultTag with { Id = id })], toolCallId: result.CallId, name: callNames.GetValueOrDefault(result.CallId)));
                    }

                    break;
                default:
                    throw new NotSupportedException(
                        $"SparseXChatClient accepts text only: message {index} ({message.Role}) holds {Describe(content)}, which the model cannot read.");
            }
        }

        if (inlineCalls.Count > 0)
        {
            parts.Add(Part(ToolCallText.Format(inlineCalls, inlineToolCalls!.Value), messageTag));
        }

        if (parts.Count > 0 || toolCalls.Count > 0 || results.Count == 0)
        {
            entries.Add(new PromptEntry(role, parts, toolCalls.Count > 0 ? toolCalls : null));
        }

        entries.AddRange(results);
    }

    private static PromptPart Part(string text, SparseXSegmentTag? tag) => new(text, tag?.Kind, tag?.Id);

    private static List<PromptSpan> ToSpans(TemplateRendering rendering, List<PromptEntry> entries)
    {
        var spans = new List<PromptSpan>();
        var plain = new StringBuilder();
        foreach (TemplateSpan span in rendering.Spans)
        {
            if (span.Kind == TemplateSpanKind.Glue)
            {
                plain.Append(span.Text);
                continue;
            }

            PromptEntry entry = entries[span.MessageIndex];
            for (int p = 0; p < entry.Parts.Count; p++)
            {
                PromptPart part = entry.Parts[p];
                if (p > 0)
                {
                    plain.Append(PromptEntry.Separator);
                }

                if (part.Kind is SegmentKind kind && part.Text.Length > 0)
                {
                    FlushPlain();
                    spans.Add(PromptSpan.Segment(kind, part.Text, part.Id));
                }
                else
                {
                    plain.Append(part.Text);
                }
            }
        }

        FlushPlain();
        return spans;

        void FlushPlain()
        {
            if (plain.Length > 0)
            {
                spans.Add(PromptSpan.Plain(plain.ToString()));
                plain.Clear();
            }
        }
    }

    private static JsonElement ToolCallArguments(IDictionary<string, object?>? arguments) =>
        JsonSerializer.SerializeToElement(arguments ?? new Dictionary<string, object?>(), AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(IDictionary<string, object?>)));

    /// <summary>Describes content the model cannot read (for error messages).</summary>
    internal static string Describe(AIContent content) => content switch
    {
        DataContent d => $"'{d.MediaType}' data",
        UriContent u => $"a '{u.MediaType}' URI",
        _ => $"{content.GetType().Name} content",
    };
}
