using System.Text.Json;
using Microsoft.Extensions.AI;

namespace SparseX.SemanticKernel.Prompting;

/// <summary>
/// The texts a function result is rendered as, one tool message each. A result made of content parts — MEAI's
/// <c>IEnumerable&lt;AIContent&gt;</c> (which <see cref="AIFunctionFactory"/> passes through), or its JSON form with
/// <c>$type</c> discriminators (which a Semantic Kernel function returns) — gives one text per part: a search tool
/// that returns one <see cref="TextContent"/> per document gets one tool message, hence one segment, per document, as
/// when several results answer parallel calls (ChatML writes one <c>tool</c> turn each; Qwen's template groups them
/// into one turn of several <c>&lt;tool_response&gt;</c> blocks). Any other result is one text: strings as they are,
/// other values as compact JSON.
/// </summary>
internal static class ToolResultParts
{
    // Tool results are serialized compactly (MEAI's default options indent).
    private static readonly JsonSerializerOptions CompactJson = new(AIJsonUtilities.DefaultOptions) { WriteIndented = false };

    /// <summary>The texts of <paramref name="result"/>, in order; at least one.</summary>
    /// <param name="result">The function result.</param>
    /// <param name="index">The message index (for error messages).</param>
    /// <exception cref="NotSupportedException">A multi-part result holds a part that is not text.</exception>
    public static IReadOnlyList<string> Texts(FunctionResultContent result, int index)
    {
        ArgumentNullException.ThrowIfNull(result);
        IReadOnlyList<AIContent>? parts = result.Result switch
        {
            string or TextContent => null,
            IEnumerable<AIContent> contents => contents.ToList(),
            JsonElement { ValueKind: JsonValueKind.Array } e when IsContentList(e) => TryDeserialize(e),
            _ => null,
        };
        if (parts is not { Count: > 0 })
        {
            return [Text(result)];
        }

        return parts.Select(p => p is TextContent t
            ? t.Text
            : throw new NotSupportedException(
                $"SparseXChatClient accepts text only: the result of call '{result.CallId}' (message {index}) holds {PromptBuilder.Describe(p)}, which the model cannot read.")).ToList();
    }

    private static bool IsContentList(JsonElement array) =>
        array.GetArrayLength() > 0 && array.EnumerateArray().All(e => e.ValueKind == JsonValueKind.Object && e.TryGetProperty("$type", out JsonElement t) && t.ValueKind == JsonValueKind.String);

    private static List<AIContent>? TryDeserialize(JsonElement array)
    {
        try
        {
            return array.Deserialize<List<AIContent>>(AIJsonUtilities.DefaultOptions);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException)
        {
            return null; // not MEAI contents after all: the result is rendered as its JSON text
        }
    }

    private static string Text(FunctionResultContent result) => result.Result switch
    {
        null => result.Exception is { } e ? $"Error: {e.Message}" : string.Empty,
        string s => s,
        JsonElement { ValueKind: JsonValueKind.String } e => e.GetString()!,
        JsonElement e => e.GetRawText(),
        TextContent t => t.Text,
        object o => JsonSerializer.Serialize(o, CompactJson.GetTypeInfo(o.GetType())),
    };
}
