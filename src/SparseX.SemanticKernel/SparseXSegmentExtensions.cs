using System.Text.Json;
using Microsoft.Extensions.AI;
using SparseX.Engine.Reuse;

namespace SparseX.SemanticKernel;

/// <summary>
/// Tags chat messages and contents as reusable segments (DESIGN §6). The tag lives in <c>AdditionalProperties</c>
/// under <see cref="SparseXPropertyKeys.SegmentKind"/> and <see cref="SparseXPropertyKeys.SegmentId"/> as strings, so it
/// survives JSON, middleware and Semantic Kernel's message conversions. A content's tag wins over its message's.
/// </summary>
public static class SparseXSegmentExtensions
{
    /// <summary>Tags a message as a segment.</summary>
    /// <param name="message">The message.</param>
    /// <param name="kind">The segment kind.</param>
    /// <param name="id">An optional id.</param>
    /// <returns>The same message.</returns>
    public static ChatMessage AsSparseXSegment(this ChatMessage message, SegmentKind kind, string? id = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        message.AdditionalProperties = Tag(message.AdditionalProperties, kind, id);
        return message;
    }

    /// <summary>
    /// Tags one content of a message as its own segment (e.g. one document among several in a message). The text parts
    /// of one message are joined by a blank line (<c>"\n\n"</c>) in the prompt; untagged parts take the message's kind.
    /// </summary>
    /// <typeparam name="TContent">The content type.</typeparam>
    /// <param name="content">The content: text, text <see cref="DataContent"/>, or a function result.</param>
    /// <param name="kind">The segment kind.</param>
    /// <param name="id">An optional id.</param>
    /// <returns>The same content.</returns>
    public static TContent AsSparseXSegment<TContent>(this TContent content, SegmentKind kind, string? id = null)
        where TContent : AIContent
    {
        ArgumentNullException.ThrowIfNull(content);
        content.AdditionalProperties = Tag(content.AdditionalProperties, kind, id);
        return content;
    }

    /// <summary>Reads a message's explicit tag.</summary>
    /// <param name="message">The message.</param>
    /// <returns>The tag, or null if the message has none (or an unreadable one).</returns>
    public static SparseXSegmentTag? GetSparseXSegment(this ChatMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return Read(message.AdditionalProperties);
    }

    /// <summary>Reads a content's explicit tag.</summary>
    /// <param name="content">The content.</param>
    /// <returns>The tag, or null if the content has none (or an unreadable one).</returns>
    public static SparseXSegmentTag? GetSparseXSegment(this AIContent content)
    {
        ArgumentNullException.ThrowIfNull(content);
        return Read(content.AdditionalProperties);
    }

    private static AdditionalPropertiesDictionary Tag(AdditionalPropertiesDictionary? properties, SegmentKind kind, string? id)
    {
        if (!Enum.IsDefined(kind))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown segment kind.");
        }

        properties ??= [];
        properties[SparseXPropertyKeys.SegmentKind] = kind.ToString();
        if (id is null)
        {
            properties.Remove(SparseXPropertyKeys.SegmentId);
        }
        else
        {
            properties[SparseXPropertyKeys.SegmentId] = id;
        }

        return properties;
    }

    private static SparseXSegmentTag? Read(AdditionalPropertiesDictionary? properties)
    {
        if (properties is null || !properties.TryGetValue(SparseXPropertyKeys.SegmentKind, out object? raw))
        {
            return null;
        }

        SegmentKind? kind = raw switch
        {
            SegmentKind k => k,
            _ when AsString(raw) is string s && Enum.TryParse(s, ignoreCase: true, out SegmentKind parsed) && Enum.IsDefined(parsed) && !int.TryParse(s, out _) => parsed,
            _ => null,
        };
        if (kind is null)
        {
            return null;
        }

        string? id = properties.TryGetValue(SparseXPropertyKeys.SegmentId, out object? rawId) ? AsString(rawId) : null;
        return new SparseXSegmentTag(kind.Value, id);
    }

    private static string? AsString(object? value) => value switch
    {
        string s => s,
        JsonElement { ValueKind: JsonValueKind.String } e => e.GetString(),
        _ => null,
    };
}
