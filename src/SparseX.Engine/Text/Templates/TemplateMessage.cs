using System.Text.Json;
using System.Text.Json.Nodes;

namespace SparseX.Engine.Text.Templates;

/// <summary>
/// A chat message as chat templates see it (the Hugging Face messages format): <c>role</c>, <c>content</c>,
/// and optionally <c>tool_calls</c>, <c>tool_call_id</c>, <c>name</c>, <c>reasoning_content</c> and any other
/// keys. Build one with the constructor, or wrap any HF-style JSON message with <see cref="FromJson(JsonElement)"/>,
/// which passes the JSON to the template unchanged.
/// </summary>
public sealed class TemplateMessage
{
    private readonly JsonElement? _json;

    /// <summary>Creates a message.</summary>
    /// <param name="role">The role: <c>system</c>, <c>user</c>, <c>assistant</c>, <c>tool</c>, …</param>
    /// <param name="content">The text content; null renders as Python's <c>None</c>.</param>
    public TemplateMessage(string role, string? content)
    {
        ArgumentNullException.ThrowIfNull(role);
        Role = role;
        Content = content;
    }

    private TemplateMessage(JsonElement json, string role, string? content)
        : this(role, content) => _json = json;

    /// <summary>Gets the role.</summary>
    public string Role { get; }

    /// <summary>Gets the content when it is a string (for JSON messages with list content, null).</summary>
    public string? Content { get; }

    /// <summary>Gets the tool calls of an assistant message, if any.</summary>
    public IReadOnlyList<TemplateToolCall>? ToolCalls { get; init; }

    /// <summary>Gets the id of the call a <c>tool</c> message answers.</summary>
    public string? ToolCallId { get; init; }

    /// <summary>Gets the tool or participant name.</summary>
    public string? Name { get; init; }

    /// <summary>Gets the reasoning text of an assistant message (Qwen3 renders it as a <c>&lt;think&gt;</c> block).</summary>
    public string? ReasoningContent { get; init; }

    /// <summary>Gets further keys passed to the template as they are (values: JSON, primitives, dictionaries, lists).</summary>
    public IReadOnlyDictionary<string, object?>? AdditionalProperties { get; init; }

    /// <summary>
    /// Wraps one HF-style JSON message. The template sees exactly this JSON; <see cref="Role"/>,
    /// <see cref="Content"/> and the other properties are read from it for the caller's convenience.
    /// </summary>
    /// <exception cref="ArgumentException">The JSON is not an object with a string <c>role</c>.</exception>
    public static TemplateMessage FromJson(JsonElement message)
    {
        if (message.ValueKind != JsonValueKind.Object || !message.TryGetProperty("role", out var role) || role.ValueKind != JsonValueKind.String)
        {
            throw new ArgumentException("A chat message must be a JSON object with a string \"role\".", nameof(message));
        }

        return new TemplateMessage(message.Clone(), role.GetString()!, StringProperty(message, "content"))
        {
            ToolCallId = StringProperty(message, "tool_call_id"),
            Name = StringProperty(message, "name"),
            ReasoningContent = StringProperty(message, "reasoning_content"),
            ToolCalls = ReadToolCalls(message),
        };
    }

    /// <summary>Wraps one HF-style JSON message given as a <see cref="JsonNode"/>.</summary>
    /// <exception cref="ArgumentException">The JSON is not an object with a string <c>role</c>.</exception>
    public static TemplateMessage FromJson(JsonNode message)
    {
        ArgumentNullException.ThrowIfNull(message);
        using var doc = JsonDocument.Parse(message.ToJsonString());
        return FromJson(doc.RootElement);
    }

    /// <summary>Wraps every message of a JSON array of HF-style messages.</summary>
    /// <exception cref="ArgumentException">The JSON is not an array of messages.</exception>
    public static IReadOnlyList<TemplateMessage> ListFromJson(JsonElement messages)
    {
        if (messages.ValueKind != JsonValueKind.Array)
        {
            throw new ArgumentException("Chat messages must be a JSON array.", nameof(messages));
        }

        return messages.EnumerateArray().Select(FromJson).ToList();
    }

    private static string? StringProperty(JsonElement message, string name) =>
        message.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static List<TemplateToolCall>? ReadToolCalls(JsonElement message)
    {
        if (!message.TryGetProperty("tool_calls", out var calls) || calls.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var result = new List<TemplateToolCall>();
        foreach (var call in calls.EnumerateArray())
        {
            var function = call.ValueKind == JsonValueKind.Object && call.TryGetProperty("function", out var f) ? f : call;
            if (function.ValueKind != JsonValueKind.Object || StringProperty(function, "name") is not string name)
            {
                continue;
            }

            object? arguments = function.TryGetProperty("arguments", out var args) ? args : null;
            result.Add(new TemplateToolCall(StringProperty(call, "id") ?? "", name, arguments));
        }

        return result;
    }

    /// <summary>The message as a template dict.</summary>
    internal OrderedDictionary<object, object?> ToTemplateValue()
    {
        if (_json is JsonElement json)
        {
            return (OrderedDictionary<object, object?>)TemplateValueConverter.FromJson(json)!;
        }

        var d = TemplateValue.NewDict();
        d["role"] = Role;
        d["content"] = Content;
        if (ReasoningContent is not null)
        {
            d["reasoning_content"] = ReasoningContent;
        }

        if (ToolCalls is not null)
        {
            d["tool_calls"] = ToolCalls.Select(c => (object?)c.ToTemplateValue()).ToList();
        }

        if (ToolCallId is not null)
        {
            d["tool_call_id"] = ToolCallId;
        }

        if (Name is not null)
        {
            d["name"] = Name;
        }

        if (AdditionalProperties is not null)
        {
            foreach (var (key, value) in AdditionalProperties)
            {
                d[key] = TemplateValueConverter.FromObject(value);
            }
        }

        return d;
    }
}
