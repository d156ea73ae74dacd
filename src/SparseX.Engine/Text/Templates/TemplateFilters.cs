using System.Globalization;
using System.Text;

namespace SparseX.Engine.Text.Templates;

/// <summary>
/// Jinja's built-in filters that chat templates use, with transformers' <c>tojson</c> in place of Jinja's.
/// A filter outside this set fails with <see cref="TemplateErrorKind.Unsupported"/> naming it.
/// </summary>
internal static class TemplateFilters
{
    private static readonly HashSet<string> KnownButUnsupported =
    [
        "batch", "center", "filesizeformat", "groupby", "pprint", "random", "slice", "striptags", "truncate", "urlencode", "urlize",
        "wordwrap", "xmlattr",
    ];

    private static readonly Dictionary<string, Func<object?, CallValues, object?>> Filters = new(StringComparer.Ordinal)
    {
        ["abs"] = (v, a) => NoArgs("abs", a, TemplateValue.Defined(v) switch
        {
            bool or long => (object)Math.Abs(TemplateValue.AsLong(v)),
            double d => (object)Math.Abs(d),
            _ => throw TemplateValue.Error($"TypeError: bad operand type for abs(): '{TemplateValue.TypeName(v)}'"),
        }),
        ["attr"] = (v, a) => Attr(v, CallValues.Required(a.Bind("attr", "name")[0], "attr", "name") as string ?? ""),
        ["capitalize"] = (v, a) => NoArgs("capitalize", a, PyText.Capitalize(TemplateValue.ToStr(v))),
        ["count"] = (v, a) => NoArgs("count", a, TemplateValue.Length(v)),
        ["length"] = (v, a) => NoArgs("length", a, TemplateValue.Length(v)),
        ["default"] = Default,
        ["d"] = Default,
        ["dictsort"] = DictSort,
        ["escape"] = (v, a) => NoArgs("escape", a, HtmlEscape(TemplateValue.ToStr(v))),
        ["e"] = (v, a) => NoArgs("e", a, HtmlEscape(TemplateValue.ToStr(v))),
        ["forceescape"] = (v, a) => NoArgs("forceescape", a, HtmlEscape(TemplateValue.ToStr(v))),
        ["first"] = (v, a) => NoArgs("first", a, TemplateValue.Iterate(v) is { Count: > 0 } items ? items[0] : UndefinedValue.WithHint("No first item, sequence was empty.")),
        ["last"] = (v, a) => NoArgs("last", a, TemplateValue.Iterate(v) is { Count: > 0 } items ? items[^1] : UndefinedValue.WithHint("No last item, sequence was empty.")),
        ["float"] = ToFloat,
        ["int"] = ToInt,
        ["format"] = (v, a) => PercentFormat.Format(TemplateValue.ToStr(v), a.Keywords.Count > 0 ? KeywordsDict(a) : a.Positional.ToArray()),
        ["indent"] = Indent,
        ["items"] = (v, a) => NoArgs("items", a, v switch
        {
            UndefinedValue => new List<object?>(),
            OrderedDictionary<object, object?> d => d.Select(kv => (object?)new object?[] { kv.Key, kv.Value }).ToList(),
            _ => throw TemplateValue.Error("TypeError: Can only get item pairs from a mapping."),
        }),
        ["join"] = Join,
        ["list"] = (v, a) => NoArgs("list", a, TemplateValue.Iterate(v).ToList()),
        ["lower"] = (v, a) => NoArgs("lower", a, PyText.Lower(TemplateValue.ToStr(v))),
        ["upper"] = (v, a) => NoArgs("upper", a, PyText.Upper(TemplateValue.ToStr(v))),
        ["title"] = (v, a) => NoArgs("title", a, JinjaTitle(TemplateValue.ToStr(v))),
        ["trim"] = (v, a) => PyText.Strip(TemplateValue.ToStr(v), CallValues.Or(a.Bind("trim", "chars")[0], null) as string),
        ["replace"] = (v, a) =>
        {
            var s = a.Bind("replace", "old", "new", "count");
            return PyText.Replace(TemplateValue.ToStr(v), TemplateValue.ToStr(CallValues.Required(s[0], "replace", "old")),
                TemplateValue.ToStr(CallValues.Required(s[1], "replace", "new")), CallValues.Or(s[2], null) is { } n ? TemplateValue.AsLong(n) : -1);
        },
        ["reverse"] = (v, a) => NoArgs("reverse", a, v is string s
            ? string.Concat(PyText.CodePoints(s).AsEnumerable().Reverse())
            : (object)TemplateValue.Iterate(TemplateValue.Defined(v)).Reverse().ToList()),
        ["map"] = Map,
        ["select"] = (v, a) => Select(v, a, "select", keep: true, byAttribute: false),
        ["reject"] = (v, a) => Select(v, a, "reject", keep: false, byAttribute: false),
        ["selectattr"] = (v, a) => Select(v, a, "selectattr", keep: true, byAttribute: true),
        ["rejectattr"] = (v, a) => Select(v, a, "rejectattr", keep: false, byAttribute: true),
        ["max"] = (v, a) => MinMax(v, a, "max"),
        ["min"] = (v, a) => MinMax(v, a, "min"),
        ["round"] = Round,
        ["safe"] = (v, a) => NoArgs("safe", a, v),
        ["sort"] = Sort,
        ["string"] = (v, a) => NoArgs("string", a, TemplateValue.ToStr(v)),
        ["sum"] = Sum,
        ["tojson"] = ToJson,
        ["unique"] = Unique,
        ["wordcount"] = (v, a) => NoArgs("wordcount", a, (long)PyText.Split(TemplateValue.ToStr(v), null).Count),
    };

    /// <summary>Whether a filter named <paramref name="name"/> exists.</summary>
    public static bool Exists(string name) => Filters.ContainsKey(name);

    /// <summary>Whether Jinja knows a filter named <paramref name="name"/> (implemented here or not).</summary>
    public static bool IsKnown(string name) => Filters.ContainsKey(name) || KnownButUnsupported.Contains(name);

    /// <summary>Applies filter <paramref name="name"/> to <paramref name="value"/>.</summary>
    public static object? Apply(string name, object? value, CallValues args)
    {
        if (!Filters.TryGetValue(name, out var filter))
        {
            throw new TemplateException(TemplateErrorKind.Unsupported,
                KnownButUnsupported.Contains(name) ? $"Unsupported filter '{name}'" : $"No filter named '{name}'");
        }

        return filter(value, args);
    }

    private static object? NoArgs(string name, CallValues args, object? result) =>
        args.Positional.Count == 0 && args.Keywords.Count == 0 ? result : throw TemplateValue.Error($"TypeError: filter '{name}' takes no arguments");

    private static OrderedDictionary<object, object?> KeywordsDict(CallValues a)
    {
        var d = TemplateValue.NewDict();
        foreach (var (k, v) in a.Keywords)
        {
            d[k] = v;
        }

        return d;
    }

    private static object? Attr(object? obj, string name) => obj switch
    {
        UndefinedValue => UndefinedValue.ForMember(obj, name),
        string or List<object?> or object?[] or OrderedDictionary<object, object?> when BuiltinMethods.Has(obj, name) => new BoundMethod(obj, name),
        NamespaceValue or LoopInfo => TemplateValue.GetAttr(obj, name),
        _ => UndefinedValue.ForMember(obj, name),
    };

    private static object? Default(object? v, CallValues a)
    {
        var s = a.Bind("default", "default_value", "boolean");
        object? fallback = CallValues.Or(s[0], "");
        bool boolean = TemplateValue.IsTrue(CallValues.Or(s[1], false));
        return v is UndefinedValue || (boolean && !TemplateValue.IsTrue(v)) ? fallback : v;
    }

    private static string HtmlEscape(string s) =>
        s.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\"", "&#34;").Replace("'", "&#39;");

    private static string JinjaTitle(string s)
    {
        // Jinja's title: split on runs of [-\s({[<], upper-case the first char of each piece, lower-case the rest.
        var sb = new StringBuilder(s.Length);
        bool start = true;
        foreach (char c in s)
        {
            bool separator = c is '-' or '(' or '{' or '[' or '<' || PyText.IsSpace(c);
            sb.Append(start ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c));
            start = separator;
        }

        return sb.ToString();
    }

    private static object? ToFloat(object? v, CallValues a)
    {
        object? fallback = CallValues.Or(a.Bind("float", "default")[0], 0.0);
        return v switch
        {
            double d => d,
            bool or long => TemplateValue.AsDouble(v),
            string s when double.TryParse(s.Trim().Replace("_", ""), NumberStyles.Float, CultureInfo.InvariantCulture, out double d) => d,
            _ => fallback,
        };
    }

    private static object? ToInt(object? v, CallValues a)
    {
        var s = a.Bind("int", "default", "base");
        object? fallback = CallValues.Or(s[0], 0L);
        int radix = (int)TemplateValue.AsLong(CallValues.Or(s[1], 10L));
        switch (v)
        {
            case bool or long: return TemplateValue.AsLong(v);
            case double d: return double.IsFinite(d) ? (long)Math.Truncate(d) : fallback;
            case string str:
                string t = str.Trim().Replace("_", "");
                try
                {
                    if (radix == 10)
                    {
                        if (long.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long l))
                        {
                            return l;
                        }

                        return double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double f) && double.IsFinite(f) ? (long)Math.Truncate(f) : fallback;
                    }

                    return radix is 2 or 8 or 16 ? Convert.ToInt64(t, radix) : fallback;
                }
                catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
                {
                    return fallback;
                }

            default: return fallback;
        }
    }

    private static object? Indent(object? v, CallValues a)
    {
        var s = a.Bind("indent", "width", "first", "blank");
        object? width = CallValues.Or(s[0], 4L);
        string indention = width is string w ? w : new string(' ', (int)TemplateValue.AsLong(width));
        bool first = TemplateValue.IsTrue(CallValues.Or(s[1], false));
        bool blank = TemplateValue.IsTrue(CallValues.Or(s[2], false));
        string text = TemplateValue.ToStr(v) + "\n";
        var lines = BuiltinMethods.Invoke(text, "splitlines", new CallValues([], [])) as List<object?> ?? [];
        string rv;
        if (blank)
        {
            rv = string.Join("\n" + indention, lines);
        }
        else
        {
            rv = (string)lines[0]!;
            if (lines.Count > 1)
            {
                rv += "\n" + string.Join("\n", lines.Skip(1).Select(l => (string)l! is { Length: > 0 } line ? indention + line : ""));
            }
        }

        return first ? indention + rv : rv;
    }

    private static object? Join(object? v, CallValues a)
    {
        var s = a.Bind("join", "d", "attribute");
        string separator = TemplateValue.ToStr(CallValues.Or(s[0], ""));
        var items = TemplateValue.Iterate(v);
        if (CallValues.Or(s[1], null) is { } attribute)
        {
            items = items.Select(i => GetPath(i, attribute)).ToList();
        }

        return string.Join(separator, items.Select(TemplateValue.ToStr));
    }

    /// <summary>Jinja's <c>make_attrgetter</c>: dotted path, each part via getitem (ints for digit parts).</summary>
    private static object? GetPath(object? item, object attribute)
    {
        if (attribute is not string path)
        {
            return TemplateValue.GetItem(item, attribute);
        }

        foreach (string part in path.Split('.'))
        {
            item = TemplateValue.GetItem(item, long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out long i) ? i : part);
        }

        return item;
    }

    private static object? Map(object? v, CallValues a)
    {
        var items = TemplateValue.Iterate(v);
        var attribute = a.Keywords.FirstOrDefault(k => k.Key == "attribute");
        if (a.Positional.Count == 0 && attribute.Key is not null)
        {
            var dflt = a.Keywords.FirstOrDefault(k => k.Key == "default");
            return items.Select(i =>
            {
                var value = GetPath(i, attribute.Value ?? "");
                return value is UndefinedValue && dflt.Key is not null ? dflt.Value : value;
            }).ToList();
        }

        if (a.Positional.Count == 0 || a.Positional[0] is not string filter)
        {
            throw TemplateValue.Error("FilterArgumentError: map requires a filter argument");
        }

        var rest = new CallValues(a.Positional.Skip(1).ToList(), a.Keywords);
        return items.Select(i => Apply(filter, i, rest)).ToList();
    }

    private static List<object?> Select(object? v, CallValues a, string name, bool keep, bool byAttribute)
    {
        var items = TemplateValue.Iterate(v);
        int next = 0;
        object? attribute = null;
        if (byAttribute)
        {
            attribute = a.Positional.Count > 0 ? a.Positional[next++] : throw TemplateValue.Error($"TypeError: {name} requires an attribute name");
        }

        Func<object?, bool> predicate;
        if (a.Positional.Count > next)
        {
            string test = a.Positional[next++] as string ?? throw TemplateValue.Error($"TypeError: {name} test name must be a string");
            var rest = new CallValues(a.Positional.Skip(next).ToList(), a.Keywords);
            predicate = x => TemplateTests.Apply(test, x, rest);
        }
        else
        {
            predicate = TemplateValue.IsTrue;
        }

        return items.Where(i => predicate(byAttribute ? GetPath(i, attribute!) : i) == keep).ToList();
    }

    private static Func<object?, object?> SortKey(bool caseSensitive, object? attribute) => item =>
    {
        var key = attribute is null ? item : GetPath(item, attribute);
        return !caseSensitive && key is string s ? PyText.Lower(s) : key;
    };

    private static object? MinMax(object? v, CallValues a, string name)
    {
        var s = a.Bind(name, "case_sensitive", "attribute");
        var key = SortKey(TemplateValue.IsTrue(CallValues.Or(s[0], false)), CallValues.Or(s[1], null));
        var items = TemplateValue.Iterate(v);
        if (items.Count == 0)
        {
            return UndefinedValue.WithHint($"No aggregated item, sequence was empty.");
        }

        var best = items[0];
        foreach (var item in items.Skip(1))
        {
            int c = TemplateValue.Compare(key(item), key(best));
            if (name == "max" ? c > 0 : c < 0)
            {
                best = item;
            }
        }

        return best;
    }

    private static object? Sort(object? v, CallValues a)
    {
        var s = a.Bind("sort", "reverse", "case_sensitive", "attribute");
        bool reverse = TemplateValue.IsTrue(CallValues.Or(s[0], false));
        var key = SortKey(TemplateValue.IsTrue(CallValues.Or(s[1], false)), CallValues.Or(s[2], null));
        var items = TemplateValue.Iterate(v).ToList();
        var sorted = items.Select((item, index) => (item, index)).ToList();
        sorted.Sort((x, y) =>
        {
            int c = TemplateValue.Compare(key(x.item), key(y.item));
            return c != 0 ? (reverse ? -c : c) : x.index.CompareTo(y.index);
        });
        return sorted.Select(p => p.item).ToList();
    }

    private static object? DictSort(object? v, CallValues a)
    {
        var s = a.Bind("dictsort", "case_sensitive", "by", "reverse");
        bool caseSensitive = TemplateValue.IsTrue(CallValues.Or(s[0], false));
        string by = CallValues.Or(s[1], "key") as string ?? "key";
        bool reverse = TemplateValue.IsTrue(CallValues.Or(s[2], false));
        if (v is not OrderedDictionary<object, object?> dict)
        {
            throw TemplateValue.Error("TypeError: dictsort requires a mapping");
        }

        int pos = by switch { "key" => 0, "value" => 1, _ => throw TemplateValue.Error("FilterArgumentError: You can only sort by either \"key\" or \"value\"") };
        var key = SortKey(caseSensitive, null);
        var pairs = dict.Select(kv => new object?[] { kv.Key, kv.Value }).ToList();
        pairs.Sort((x, y) => TemplateValue.Compare(key(x[pos]), key(y[pos])) * (reverse ? -1 : 1));
        return pairs.Cast<object?>().ToList();
    }

    private static object? Round(object? v, CallValues a)
    {
        var s = a.Bind("round", "precision", "method");
        int precision = (int)TemplateValue.AsLong(CallValues.Or(s[0], 0L));
        string method = CallValues.Or(s[1], "common") as string ?? "common";
        double x = TemplateValue.AsDouble(TemplateValue.Defined(v));
        double scale = Math.Pow(10, precision);
        return method switch
        {
            "common" => Math.Round(x, Math.Clamp(precision, 0, 15), MidpointRounding.ToEven),
            "ceil" => Math.Ceiling(x * scale) / scale,
            "floor" => Math.Floor(x * scale) / scale,
            _ => throw TemplateValue.Error("FilterArgumentError: method must be common, ceil or floor"),
        };
    }

    private static object? Sum(object? v, CallValues a)
    {
        var s = a.Bind("sum", "attribute", "start");
        object? total = CallValues.Or(s[1], 0L);
        object? attribute = CallValues.Or(s[0], null);
        foreach (var item in TemplateValue.Iterate(v))
        {
            total = TemplateValue.Add(total, attribute is null ? item : GetPath(item, attribute));
        }

        return total;
    }

    private static object? Unique(object? v, CallValues a)
    {
        var s = a.Bind("unique", "case_sensitive", "attribute");
        var key = SortKey(TemplateValue.IsTrue(CallValues.Or(s[0], false)), CallValues.Or(s[1], null));
        var seen = new List<object?>();
        var result = new List<object?>();
        foreach (var item in TemplateValue.Iterate(v))
        {
            var k = key(item);
            if (!seen.Any(x => TemplateValue.PyEquals(x, k)))
            {
                seen.Add(k);
                result.Add(item);
            }
        }

        return result;
    }

    // transformers: json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)
    private static object? ToJson(object? v, CallValues a)
    {
        var s = a.Bind("tojson", "ensure_ascii", "indent", "separators", "sort_keys");
        bool ensureAscii = TemplateValue.IsTrue(CallValues.Or(s[0], false));
        string? indent = CallValues.Or(s[1], null) switch
        {
            null => null,
            string str => str,
            var n => new string(' ', (int)Math.Max(0, TemplateValue.AsLong(n))),
        };
        string? itemSeparator = null, keySeparator = null;
        if (CallValues.Or(s[2], null) is { } separators)
        {
            var pair = TemplateValue.Iterate(separators);
            if (pair.Count != 2 || pair[0] is not string item || pair[1] is not string key)
            {
                throw TemplateValue.Error("ValueError: separators must be a (item_separator, key_separator) pair of strings");
            }

            (itemSeparator, keySeparator) = (item, key);
        }

        return PythonJson.Dumps(v, ensureAscii, indent, itemSeparator, keySeparator, TemplateValue.IsTrue(CallValues.Or(s[3], false)));
    }
}
