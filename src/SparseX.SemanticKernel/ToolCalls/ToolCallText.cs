using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace SparseX.SemanticKernel.ToolCalls;

/// <summary>
/// Writes tool calls back as the text the model writes them in, for chat templates that do not render an assistant
/// message's <c>tool_calls</c> (e.g. a plain ChatML template, which renders <c>content</c> only): without this, the
/// model would see its own call vanish from the conversation. JSON is written as Hugging Face's <c>tojson</c> writes it
/// (Python's <c>json.dumps</c> separators <c>", "</c> and <c>": "</c>, non-ASCII kept), so a Hermes call reads
/// <c>&lt;tool_call&gt;{"name": "search", "arguments": {"query": "…"}}&lt;/tool_call&gt;</c>.
/// </summary>
internal static class ToolCallText
{
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The calls of one assistant message as text in <paramref name="format"/>.</summary>
    /// <param name="calls">The calls, in order.</param>
    /// <param name="format">A concrete format (not <see cref="SparseXToolCallFormat.Auto"/> or <see cref="SparseXToolCallFormat.None"/>).</param>
    /// <returns>The text.</returns>
    public static string Format(IReadOnlyList<FunctionCallContent> calls, SparseXToolCallFormat format) => format switch
    {
        SparseXToolCallFormat.Hermes => string.Join("\n", calls.Select(c => $"<tool_call>{Call(c, "arguments")}</tool_call>")),
        SparseXToolCallFormat.Mistral => $"[TOOL_CALLS][{string.Join(", ", calls.Select(c => Call(c, "arguments")))}]",
        SparseXToolCallFormat.Llama3Json => string.Join("; ", calls.Select(c => Call(c, "parameters"))),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Tool calls are written in a concrete format only."),
    };

    private static string Call(FunctionCallContent call, string argumentsKey)
    {
        JsonElement arguments = JsonSerializer.SerializeToElement(
            call.Arguments ?? new Dictionary<string, object?>(), AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(IDictionary<string, object?>)));
        var sb = new StringBuilder("{\"name\": ").Append(JsonSerializer.Serialize(call.Name, Relaxed)).Append(", \"").Append(argumentsKey).Append("\": ");
        Write(arguments, sb);
        return sb.Append('}').ToString();
    }

    private static void Write(JsonElement value, StringBuilder sb)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                sb.Append('{');
                bool first = true;
                foreach (JsonProperty p in value.EnumerateObject())
                {
                    sb.Append(first ? string.Empty : ", ").Append(JsonSerializer.Serialize(p.Name, Relaxed)).Append(": ");
                    Write(p.Value, sb);
                    first = false;
                }

                sb.Append('}');
                break;
            case JsonValueKind.Array:
                sb.Append('[');
                int i = 0;
                foreach (JsonElement item in value.EnumerateArray())
                {
                    sb.Append(i++ == 0 ? string.Empty : ", ");
                    Write(item, sb);
                }

                sb.Append(']');
                break;
            case JsonValueKind.String:
                sb.Append(JsonSerializer.Serialize(value.GetString(), Relaxed));
                break;
            default:
                sb.Append(value.GetRawText());
                break;
        }
    }
}
