using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;

namespace SparseX.SemanticKernel.ToolCalls;

/// <summary>
/// Reads the JSON of tool calls: <c>{"name": …, "arguments": {…}}</c> (or <c>"parameters"</c>, Llama 3.1; or
/// arguments as a JSON string, OpenAI style). Malformed calls still become a <see cref="FunctionCallContent"/>, made
/// with <see cref="FunctionCallContent.CreateFromParsedArguments"/> so the error lands in its <c>Exception</c>.
/// </summary>
internal static partial class ToolCallJson
{
    /// <summary>Reads one call.</summary>
    /// <param name="json">The call's JSON text.</param>
    /// <returns>The call, with <see cref="FunctionCallContent.Exception"/> set when it could not be read.</returns>
    public static FunctionCallContent Parse(string json)
    {
        string text = json.Trim();
        JsonNode? node = TryParse(text, out JsonException? error);
        if (node is JsonObject call && TryGetName(call, out string? name))
        {
            JsonNode? arguments = call["arguments"] ?? call["parameters"];
            string encoded = arguments switch
            {
                null => "{}",
                JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
                _ => arguments.ToJsonString(),
            };
            return FunctionCallContent.CreateFromParsedArguments(encoded, CallIds.New(), name, ParseArguments);
        }

        string fallback = NamePattern().Match(text) is { Success: true } match ? match.Groups[1].Value : string.Empty;
        string reason = error is not null
            ? $"The model's tool call is not valid JSON ({error.Message}): {text}"
            : $"The model's tool call has no \"name\": {text}";
        return FunctionCallContent.CreateFromParsedArguments(text, CallIds.New(), fallback, _ => throw new InvalidDataException(reason, error));
    }

    /// <summary>Reads one call, or each call of a JSON array of calls (Mistral).</summary>
    public static IEnumerable<FunctionCallContent> ParseMany(string json)
    {
        if (TryParse(json.Trim(), out _) is JsonArray array)
        {
            return array.Select(item => Parse(item?.ToJsonString() ?? "null")).ToList();
        }

        return [Parse(json)];
    }

    /// <summary>Whether <paramref name="json"/> is a JSON object with a string <c>name</c> and arguments or parameters.</summary>
    public static bool IsCall(string json) =>
        TryParse(json.Trim(), out _) is JsonObject call && TryGetName(call, out _) && (call.ContainsKey("arguments") || call.ContainsKey("parameters"));

    /// <summary>Whether <paramref name="text"/> looks like a call someone tried to write (it names "name" and arguments/parameters).</summary>
    public static bool LooksLikeCall(string text) =>
        NamePattern().IsMatch(text) && (text.Contains("\"arguments\"", StringComparison.Ordinal) || text.Contains("\"parameters\"", StringComparison.Ordinal));

    /// <summary>
    /// Finds the end of the JSON object or array that starts at <paramref name="start"/>, honouring strings and escapes.
    /// </summary>
    /// <returns>The index just past its closing bracket, or -1 if it is not closed yet.</returns>
    public static int FindValueEnd(string text, int start)
    {
        int depth = 0;
        bool inString = false;
        for (int i = start; i < text.Length; i++)
        {
            char c = text[i];
            if (inString)
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == '"')
                {
                    inString = false;
                }

                continue;
            }

            switch (c)
            {
                case '"':
                    inString = true;
                    break;
                case '{' or '[':
                    depth++;
                    break;
                case '}' or ']':
                    if (--depth == 0)
                    {
                        return i + 1;
                    }

                    break;
            }
        }

        return -1;
    }

    private static IDictionary<string, object?> ParseArguments(string json) =>
        (IDictionary<string, object?>?)JsonSerializer.Deserialize(json, AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(IDictionary<string, object?>)))
        ?? new Dictionary<string, object?>();

    private static JsonNode? TryParse(string text, out JsonException? error)
    {
        error = null;
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException e)
        {
            error = e;
            return null;
        }
    }

    private static bool TryGetName(JsonObject call, [NotNullWhen(true)] out string? name)
    {
        name = call["name"] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
        return !string.IsNullOrEmpty(name);
    }

    [GeneratedRegex("\"name\"\\s*:\\s*\"([^\"]*)\"")]
    private static partial Regex NamePattern();
}
