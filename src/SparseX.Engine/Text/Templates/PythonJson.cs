using System.Globalization;
using System.Text;

namespace SparseX.Engine.Text.Templates;

/// <summary>
/// Python's <c>json.dumps</c>, byte for byte, as transformers' <c>tojson</c> filter calls it
/// (<c>ensure_ascii=False</c> by default, <c>", "</c>/<c>": "</c> separators, or <c>","</c>/<c>": "</c> with an
/// indent, keys in insertion order unless <c>sort_keys</c>). System.Text.Json's writer cannot produce Python's
/// separators, so this small serializer writes the text itself.
/// </summary>
internal static class PythonJson
{
    /// <summary>Serializes <paramref name="value"/>.</summary>
    /// <param name="value">A template value.</param>
    /// <param name="ensureAscii">Escape every non-ASCII character as <c>\uXXXX</c>.</param>
    /// <param name="indent">Indent string per level, or null for a single line.</param>
    /// <param name="itemSeparator">Separator between items; null for Python's default.</param>
    /// <param name="keySeparator">Separator between key and value; null for Python's default.</param>
    /// <param name="sortKeys">Sort dict keys.</param>
    public static string Dumps(object? value, bool ensureAscii = false, string? indent = null, string? itemSeparator = null,
        string? keySeparator = null, bool sortKeys = false)
    {
        var sb = new StringBuilder();
        var writer = new Writer(sb, ensureAscii, indent, itemSeparator ?? (indent is null ? ", " : ","), keySeparator ?? ": ", sortKeys);
        writer.Write(value, 0);
        return sb.ToString();
    }

    private sealed class Writer(StringBuilder sb, bool ensureAscii, string? indent, string itemSeparator, string keySeparator, bool sortKeys)
    {
        public void Write(object? value, int level)
        {
            switch (value)
            {
                case null: sb.Append("null"); break;
                case bool b: sb.Append(b ? "true" : "false"); break;
                case long l: sb.Append(l.ToString(CultureInfo.InvariantCulture)); break;
                case double d: sb.Append(FloatText(d)); break;
                case string s: WriteString(s); break;
                case List<object?> or object?[]: WriteArray((IList<object?>)value, level); break;
                case OrderedDictionary<object, object?> dict: WriteObject(dict, level); break;
                default: throw TemplateValue.Error($"TypeError: Object of type {TemplateValue.TypeName(value)} is not JSON serializable");
            }
        }

        private static string FloatText(double d) =>
            double.IsNaN(d) ? "NaN" : double.IsPositiveInfinity(d) ? "Infinity" : double.IsNegativeInfinity(d) ? "-Infinity" : TemplateValue.FormatFloat(d);

        private void NewLine(int level)
        {
            sb.Append('\n');
            for (int i = 0; i < level; i++)
            {
                sb.Append(indent);
            }
        }

        private void WriteArray(IList<object?> items, int level)
        {
            if (items.Count == 0)
            {
                sb.Append("[]");
                return;
            }

            sb.Append('[');
            for (int i = 0; i < items.Count; i++)
            {
                if (i > 0)
                {
                    sb.Append(itemSeparator);
                }

                if (indent is not null)
                {
                    NewLine(level + 1);
                }

                Write(items[i], level + 1);
            }

            if (indent is not null)
            {
                NewLine(level);
            }

            sb.Append(']');
        }

        private void WriteObject(OrderedDictionary<object, object?> dict, int level)
        {
            if (dict.Count == 0)
            {
                sb.Append("{}");
                return;
            }

            IEnumerable<KeyValuePair<object, object?>> entries = dict;
            if (sortKeys)
            {
                var list = dict.ToList();
                list.Sort((x, y) => TemplateValue.Compare(x.Key, y.Key));
                entries = list;
            }

            sb.Append('{');
            bool first = true;
            foreach (var (key, value) in entries)
            {
                if (!first)
                {
                    sb.Append(itemSeparator);
                }

                first = false;
                if (indent is not null)
                {
                    NewLine(level + 1);
                }

                WriteString(key switch
                {
                    string s => s,
                    bool b => b ? "true" : "false",
                    long l => l.ToString(CultureInfo.InvariantCulture),
                    double d => FloatText(d),
                    _ => throw TemplateValue.Error($"TypeError: keys must be str, int, float, bool or None, not {TemplateValue.TypeName(key)}"),
                });
                sb.Append(keySeparator);
                Write(value, level + 1);
            }

            if (indent is not null)
            {
                NewLine(level);
            }

            sb.Append('}');
        }

        private void WriteString(string s)
        {
            sb.Append('"');
            foreach (char c in s)
            {
                switch (c)
                {
                    case '"': sb.Append("\\\""); break;
                    case '\\': sb.Append("\\\\"); break;
                    case '\n': sb.Append("\\n"); break;
                    case '\r': sb.Append("\\r"); break;
                    case '\t': sb.Append("\\t"); break;
                    case '\b': sb.Append("\\b"); break;
                    case '\f': sb.Append("\\f"); break;
                    default:
                        if (c < 0x20 || (ensureAscii && c > 0x7e))
                        {
                            sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                        }
                        else
                        {
                            sb.Append(c);
                        }

                        break;
                }
            }

            sb.Append('"');
        }
    }
}
