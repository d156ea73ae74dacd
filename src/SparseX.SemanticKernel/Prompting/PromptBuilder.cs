using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using SparseX.Engine.Reuse;
using SparseX.Engine.Text.Templates;

namespace SparseX.SemanticKernel.Prompting;

/// <summary>
/// Turns a conversation into engine spans (DESIGN §3, §6): messages become template messages with tagged parts, the
/// model's template renders them with known content boundaries (<see cref="ChatTemplate.RenderSpans"/>), and each
/// content part becomes a segment of its kind or plain text; template glue is plain text.
/// </summary>
internal static class PromptBuilder
{
    // Tool results are serialized compactly (MEAI's default options indent).
    private static readonly JsonSerializerOptions CompactJson = new(AIJsonUtilities.DefaultOptions) { WriteIndented = false };

    /// <summary>Builds the layout of one request.</summary>
    /// <exception cref="NotSupportedException">A message holds non-text content (images, audio, URIs, …).</exception>
    /// <exception cref="TemplateException">The chat template rejected the conversation.</exception>
    public static PromptLayout Build(IEnumerable<ChatMessage> messages, ChatOptions? options, ChatTemplate template, IReadOnlyDictionary<string, object?>? variables)
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
            AddEntries(list[i], i, i == question, entries, callNames);
        }

        JsonElement? tools = ToolSchemas.Build(options);
        TemplateRendering rendering = template.RenderSpans(entries.Select(e => e.Message).ToList(), tools, addGenerationPrompt: true, variables);
        return new PromptLayout(ToSpans(rendering, entries), rendering.Text, tools is not null);
    }

    private static void AddEntries(ChatMessage message, int index, bool isQuestion, List<PromptEntry> entries, Dictionary<string, string> callNames)
    {
        SparseXSegmentTag? messageTag = MessageClassifier.Classify(message, isQuestion);
        string role = MessageClassifier.IsSystemRole(message.Role) ? "system" : message.Role.Value;
        var parts = new List<PromptPart>();
        var toolCalls = new List<TemplateToolCall>();
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
                case FunctionCallContent call:
                    toolCalls.Add(new TemplateToolCall(call.CallId, call.Name, ToolCallArguments(call.Arguments)));
                    callNames[call.CallId] = call.Name;
                    break;
                case FunctionResultContent result:
                    SparseXSegmentTag resultTag = tag ?? messageTag ?? new SparseXSegmentTag(SegmentKind.ToolOutput);
                    results.Add(new PromptEntry(
                        "tool",
                        [Part(ResultText(result), resultTag with { Id = resultTag.Id ?? result.CallId })],
                        toolCallId: result.CallId,
                        name: callNames.GetValueOrDefault(result.CallId)));
                    break;
                default:
                    throw new NotSupportedException(
                        $"SparseXChatClient accepts text only: message {index} ({message.Role}) holds {Describe(content)}, which the model cannot read.");
            }
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

    private static string ResultText(FunctionResultContent result) => result.Result switch
    {
        null => result.Exception is { } e ? $"Error: {e.Message}" : string.Empty,
        string s => s,
        JsonElement { ValueKind: JsonValueKind.String } e => e.GetString()!,
        JsonElement e => e.GetRawText(),
        TextContent t => t.Text,
        object o => JsonSerializer.Serialize(o, CompactJson.GetTypeInfo(o.GetType())),
    };

    private static string Describe(AIContent content) => content switch
    {
        DataContent d => $"'{d.MediaType}' data",
        UriContent u => $"a '{u.MediaType}' URI",
        _ => $"{content.GetType().Name} content",
    };
}
