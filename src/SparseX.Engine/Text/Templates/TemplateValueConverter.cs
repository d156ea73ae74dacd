using System.Collections;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SparseX.Engine.Text.Templates;

/// <summary>
/// Converts caller values into template values: JSON (<see cref="JsonElement"/>, <see cref="JsonNode"/>), CLR
/// primitives, dictionaries and sequences, <see cref="TemplateMessage"/> and <see cref="TemplateToolCall"/>.
/// JSON integers become Python ints and other JSON numbers floats, as <c>json.loads</c> does.
/// </summary>
internal static class TemplateValueConverter
{
    /// <summary>Converts <paramref name="value"/> (deeply).</summary>
    /// <exception cref="ArgumentException">The value has a type templates cannot use.</exception>
    public static object? FromObject(object? value) => value switch
    {
        null => null,
        string or bool or long or double or UndefinedValue or NamespaceValue or TemplateCallable => value,
        int i => (long)i,
        short s => (long)s,
        byte b => (long)b,
        sbyte sb => (long)sb,
        uint ui => (long)ui,
        ushort us => (long)us,
        ulong ul => ul <= long.MaxValue ? (object)(long)ul : (double)ul,
        float f => (double)f,
        decimal m => decimal.Truncate(m) == m && m >= long.MinValue && m <= long.MaxValue ? (object)(long)m : (double)m,
        char c => c.ToString(),
        JsonElement e => FromJson(e),
        JsonNode n => FromJson(n),
        TemplateMessage m => m.ToTemplateValue(),
        TemplateToolCall t => t.ToTemplateValue(),
        OrderedDictionary<object, object?> d => d,
        IDictionary<string, object?> d => FromPairs(d),
        IReadOnlyDictionary<string, object?> d => FromPairs(d),
        IDictionary d => FromDictionary(d),
        IEnumerable e => e.Cast<object?>().Select(FromObject).ToList(),
        _ => throw new ArgumentException($"Values of type {value.GetType()} cannot be passed to a chat template.", nameof(value)),
    };

    /// <summary>Converts a JSON value the way <c>json.loads</c> would.</summary>
    public static object? FromJson(JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                var d = TemplateValue.NewDict();
                foreach (var p in e.EnumerateObject())
                {
                    d[p.Name] = FromJson(p.Value);
                }

                return d;
            case JsonValueKind.Array:
                var list = new List<object?>(e.GetArrayLength());
                foreach (var item in e.EnumerateArray())
                {
                    list.Add(FromJson(item));
                }

                return list;
            case JsonValueKind.String:
                return e.GetString();
            case JsonValueKind.Number:
                string raw = e.GetRawText();
                if (e.TryGetInt64(out long l) && IsIntegerLiteral(raw))
                {
                    return l;
                }

                // Python's json.loads gives big ints exact and out-of-range floats as inf; ints beyond 64 bits become floats here.
                return e.TryGetDouble(out double f) ? f : double.Parse(raw, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture);
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            default:
                return null;
        }
    }

    /// <summary>Converts a <see cref="JsonNode"/>.</summary>
    public static object? FromJson(JsonNode? node)
    {
        if (node is null)
        {
            return null;
        }

        using var doc = JsonDocument.Parse(node.ToJsonString());
        return FromJson(doc.RootElement);
    }

    private static bool IsIntegerLiteral(string raw) => raw.AsSpan().IndexOfAny(".eE") < 0;

    private static OrderedDictionary<object, object?> FromPairs(IEnumerable<KeyValuePair<string, object?>> pairs)
    {
        var d = TemplateValue.NewDict();
        foreach (var (k, v) in pairs)
        {
            d[k] = FromObject(v);
        }

        return d;
    }

    private static OrderedDictionary<object, object?> FromDictionary(IDictionary source)
    {
        var d = TemplateValue.NewDict();
        foreach (DictionaryEntry entry in source)
        {
            var key = FromObject(entry.Key) ?? throw new ArgumentException("Dictionary keys passed to a chat template cannot be null.");
            d[key] = FromObject(entry.Value);
        }

        return d;
    }
}
