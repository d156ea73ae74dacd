using System.Globalization;
using System.Text;

namespace SparseX.Engine.Text.Templates;

/// <summary>
/// Methods of str, dict and list values (<c>content.startswith('x')</c>, <c>tool.items()</c>, …). Methods that
/// mutate a dict or list are refused as transformers' <c>ImmutableSandboxedEnvironment</c> refuses them.
/// </summary>
internal static class BuiltinMethods
{
    private static readonly HashSet<string> StrMethods =
    [
        "capitalize", "casefold", "center", "count", "encode", "endswith", "expandtabs", "find", "format", "format_map",
        "index", "isalnum", "isalpha", "isascii", "isdecimal", "isdigit", "isidentifier", "islower", "isnumeric",
        "isprintable", "isspace", "istitle", "isupper", "join", "ljust", "lower", "lstrip", "maketrans", "partition",
        "removeprefix", "removesuffix", "replace", "rfind", "rindex", "rjust", "rpartition", "rsplit", "rstrip", "split",
        "splitlines", "startswith", "strip", "swapcase", "title", "translate", "upper", "zfill",
    ];

    private static readonly HashSet<string> DictMethods = ["items", "keys", "values", "get", "copy", "fromkeys"];
    private static readonly HashSet<string> DictUnsafe = ["pop", "popitem", "setdefault", "update", "clear"];
    private static readonly HashSet<string> ListMethods = ["index", "count", "copy"];
    private static readonly HashSet<string> ListUnsafe = ["append", "extend", "insert", "pop", "remove", "reverse", "sort", "clear"];

    /// <summary>Whether <paramref name="name"/> is a Python method of <paramref name="target"/>'s type.</summary>
    public static bool Has(object target, string name) => target switch
    {
        string => StrMethods.Contains(name),
        OrderedDictionary<object, object?> => DictMethods.Contains(name) || DictUnsafe.Contains(name),
        List<object?> => ListMethods.Contains(name) || ListUnsafe.Contains(name),
        object?[] => name is "index" or "count",
        _ => false,
    };

    /// <summary>Calls method <paramref name="name"/> of <paramref name="target"/>.</summary>
    public static object? Invoke(object target, string name, CallValues args)
    {
        if ((target is OrderedDictionary<object, object?> && DictUnsafe.Contains(name)) || (target is List<object?> && ListUnsafe.Contains(name)))
        {
            throw TemplateValue.Error(
                $"SecurityError: access to attribute '{name}' of '{TemplateValue.TypeName(target)}' object is unsafe (templates cannot modify values)");
        }

        return target switch
        {
            string s => InvokeString(s, name, args),
            OrderedDictionary<object, object?> d => InvokeDict(d, name, args),
            _ => InvokeSequence((IList<object?>)target, name, args),
        };
    }

    private static TemplateException Unsupported(string type, string name) =>
        new(TemplateErrorKind.Unsupported, $"Unsupported method {type}.{name}()");

    private static string? OptionalString(object? slot, string method)
    {
        object? v = CallValues.Or(slot, null);
        return v is null or string ? (string?)v : throw TemplateValue.Error($"TypeError: {method} arg must be None or str");
    }

    private static string RequiredString(object? slot, string method, string parameter) =>
        CallValues.Required(slot, method, parameter) is string s ? s : throw TemplateValue.Error($"TypeError: {method}() argument must be str");

    private static long OptionalLong(object? slot, long fallback) => CallValues.Or(slot, null) is { } v ? TemplateValue.AsLong(v) : fallback;

    private static object? InvokeString(string s, string name, CallValues args)
    {
        object?[] a;
        switch (name)
        {
            case "strip":
            case "lstrip":
            case "rstrip":
                a = args.Bind(name, "chars");
                string? chars = OptionalString(a[0], name);
                return name == "strip" ? PyText.Strip(s, chars) : name == "lstrip" ? PyText.LStrip(s, chars) : PyText.RStrip(s, chars);
            case "split":
            case "rsplit":
                a = args.Bind(name, "sep", "maxsplit");
                return name == "split"
                    ? PyText.Split(s, OptionalString(a[0], name), OptionalLong(a[1], -1))
                    : PyText.RSplit(s, OptionalString(a[0], name), OptionalLong(a[1], -1));
            case "splitlines":
                a = args.Bind(name, "keepends");
                return SplitLines(s, TemplateValue.IsTrue(CallValues.Or(a[0], false)));
            case "startswith":
            case "endswith":
                a = args.Bind(name, "prefix", "start", "end");
                var affixes = CallValues.Required(a[0], name, "prefix") switch
                {
                    string one => [one],
                    object?[] many => many.Select(x => x as string ?? throw TemplateValue.Error($"TypeError: {name} tuple items must be str")).ToArray(),
                    var other => throw TemplateValue.Error($"TypeError: {name} first arg must be str or a tuple of str, not {TemplateValue.TypeName(other)}"),
                };
                string window = Window(s, a[1], a[2]);
                return affixes.Any(p => name == "startswith" ? window.StartsWith(p, StringComparison.Ordinal) : window.EndsWith(p, StringComparison.Ordinal));
            case "replace":
                a = args.Bind(name, "old", "new", "count");
                return PyText.Replace(s, RequiredString(a[0], name, "old"), RequiredString(a[1], name, "new"), OptionalLong(a[2], -1));
            case "upper": args.Bind(name); return PyText.Upper(s);
            case "lower": args.Bind(name); return PyText.Lower(s);
            case "title": args.Bind(name); return PyText.Title(s);
            case "capitalize": args.Bind(name); return PyText.Capitalize(s);
            case "swapcase":
                args.Bind(name);
                return string.Concat(s.Select(c => char.IsUpper(c) ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c)));
            case "find":
            case "rfind":
            case "index":
            case "rindex":
            case "count":
                a = args.Bind(name, "sub", "start", "end");
                string sub = RequiredString(a[0], name, "sub");
                var (offset, text) = WindowWithOffset(s, a[1], a[2]);
                if (name == "count")
                {
                    return (long)CountOccurrences(text, sub);
                }

                int at = name is "find" or "index" ? text.IndexOf(sub, StringComparison.Ordinal) : text.LastIndexOf(sub, StringComparison.Ordinal);
                if (at < 0 && name is "index" or "rindex")
                {
                    throw TemplateValue.Error("ValueError: substring not found");
                }

                return at < 0 ? -1L : (long)PyText.Length(s[..(offset + at)]);
            case "join":
                a = args.Bind(name, "iterable");
                return string.Join(s, TemplateValue.Iterate(CallValues.Required(a[0], name, "iterable")).Select((x, i) =>
                    x as string ?? throw TemplateValue.Error($"TypeError: sequence item {i}: expected str instance, {TemplateValue.TypeName(x)} found")));
            case "removeprefix":
                a = args.Bind(name, "prefix");
                string prefix = RequiredString(a[0], name, "prefix");
                return s.StartsWith(prefix, StringComparison.Ordinal) ? s[prefix.Length..] : s;
            case "removesuffix":
                a = args.Bind(name, "suffix");
                string suffix = RequiredString(a[0], name, "suffix");
                return suffix.Length > 0 && s.EndsWith(suffix, StringComparison.Ordinal) ? s[..^suffix.Length] : s;
            case "partition":
            case "rpartition":
                a = args.Bind(name, "sep");
                string sep = RequiredString(a[0], name, "sep");
                int k = name == "partition" ? s.IndexOf(sep, StringComparison.Ordinal) : s.LastIndexOf(sep, StringComparison.Ordinal);
                return k < 0
                    ? (name == "partition" ? new object?[] { s, "", "" } : new object?[] { "", "", s })
                    : new object?[] { s[..k], sep, s[(k + sep.Length)..] };
            case "ljust":
            case "rjust":
            case "center":
                a = args.Bind(name, "width", "fillchar");
                int width = (int)TemplateValue.AsLong(CallValues.Required(a[0], name, "width"));
                char fill = (CallValues.Or(a[1], " ") as string ?? " ")[0];
                int pad = Math.Max(0, width - PyText.Length(s));
                return name == "ljust" ? s + new string(fill, pad)
                    : name == "rjust" ? new string(fill, pad) + s
                    : new string(fill, (pad / 2) + (pad & width & 1)) + s + new string(fill, pad - ((pad / 2) + (pad & width & 1)));
            case "zfill":
                a = args.Bind(name, "width");
                int w = (int)TemplateValue.AsLong(CallValues.Required(a[0], name, "width"));
                bool signed = s.Length > 0 && s[0] is '+' or '-';
                return s.Length >= w ? s : signed ? s[0] + s[1..].PadLeft(w - 1, '0') : s.PadLeft(w, '0');
            case "isdigit":
            case "isdecimal":
            case "isnumeric":
                args.Bind(name);
                return s.Length > 0 && s.All(char.IsDigit);
            case "isalpha": args.Bind(name); return s.Length > 0 && s.All(char.IsLetter);
            case "isalnum": args.Bind(name); return s.Length > 0 && s.All(char.IsLetterOrDigit);
            case "isspace": args.Bind(name); return PyText.IsAllSpace(s);
            case "isascii": args.Bind(name); return s.All(char.IsAscii);
            case "islower": args.Bind(name); return s.Any(char.IsLetter) && !s.Any(char.IsUpper);
            case "isupper": args.Bind(name); return s.Any(char.IsLetter) && !s.Any(char.IsLower);
            case "format":
                return StrFormat(s, args);
            default:
                throw Unsupported("str", name);
        }
    }

    private static string Window(string s, object? start, object? end) => WindowWithOffset(s, start, end).Text;

    private static (int Offset, string Text) WindowWithOffset(string s, object? start, object? end)
    {
        long? a = CallValues.Or(start, null) is { } x ? TemplateValue.AsLong(x) : null;
        long? b = CallValues.Or(end, null) is { } y ? TemplateValue.AsLong(y) : null;
        if (a is null && b is null)
        {
            return (0, s);
        }

        string prefix = PyText.Slice(s, 0, a ?? 0, 1);
        var (sa, sb, _, _) = PySlice.Indices(PyText.Length(s), a, b, 1);
        return sb <= sa ? (prefix.Length, "") : (prefix.Length, PyText.Slice(s, a, b, 1));
    }

    private static int CountOccurrences(string text, string sub)
    {
        if (sub.Length == 0)
        {
            return PyText.Length(text) + 1;
        }

        int n = 0;
        for (int i = text.IndexOf(sub, StringComparison.Ordinal); i >= 0; i = text.IndexOf(sub, i + sub.Length, StringComparison.Ordinal))
        {
            n++;
        }

        return n;
    }

    private static List<object?> SplitLines(string s, bool keepEnds)
    {
        var result = new List<object?>();
        int start = 0;
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (c is '\n' or '\r' or '\v' or '\f' or '\x1c' or '\x1d' or '\x1e' or '\x85' or '\u2028' or '\u2029')
            {
                int end = i;
                if (c == '\r' && i + 1 < s.Length && s[i + 1] == '\n')
                {
                    i++;
                }

                result.Add(keepEnds ? s[start..(i + 1)] : s[start..end]);
                start = i + 1;
            }
        }

        if (start < s.Length)
        {
            result.Add(s[start..]);
        }

        return result;
    }

    // str.format with {}, {0}, {name}, optional !s / !r; format specs are not supported.
    private static string StrFormat(string format, CallValues args)
    {
        var sb = new StringBuilder();
        int auto = 0;
        for (int i = 0; i < format.Length; i++)
        {
            char c = format[i];
            if (c == '{' && i + 1 < format.Length && format[i + 1] == '{')
            {
                sb.Append('{');
                i++;
                continue;
            }

            if (c == '}' && i + 1 < format.Length && format[i + 1] == '}')
            {
                sb.Append('}');
                i++;
                continue;
            }

            if (c != '{')
            {
                sb.Append(c);
                continue;
            }

            int close = format.IndexOf('}', i);
            if (close < 0)
            {
                throw TemplateValue.Error("ValueError: Single '{' encountered in format string");
            }

            string field = format[(i + 1)..close];
            i = close;
            char conversion = 's';
            int bang = field.IndexOf('!');
            if (field.Contains(':'))
            {
                throw new TemplateException(TemplateErrorKind.Unsupported, $"Unsupported format spec in str.format field '{{{field}}}'");
            }

            if (bang >= 0)
            {
                conversion = field.Length > bang + 1 ? field[bang + 1] : 's';
                field = field[..bang];
            }

            object? value;
            if (field.Length == 0)
            {
                value = auto < args.Positional.Count ? args.Positional[auto++] : throw TemplateValue.Error("IndexError: Replacement index out of range for positional args tuple");
            }
            else if (int.TryParse(field, NumberStyles.None, CultureInfo.InvariantCulture, out int index))
            {
                value = index < args.Positional.Count ? args.Positional[index] : throw TemplateValue.Error($"IndexError: Replacement index {index} out of range for positional args tuple");
            }
            else
            {
                var kw = args.Keywords.FirstOrDefault(k => k.Key == field);
                value = kw.Key is not null ? kw.Value : throw TemplateValue.Error($"KeyError: {PyText.Repr(field)}");
            }

            sb.Append(conversion == 'r' ? TemplateValue.Repr(value) : TemplateValue.ToStr(value));
        }

        return sb.ToString();
    }

    private static object? InvokeDict(OrderedDictionary<object, object?> d, string name, CallValues args)
    {
        switch (name)
        {
            case "items":
                args.Bind(name);
                return d.Select(kv => (object?)new object?[] { kv.Key, kv.Value }).ToList();
            case "keys":
                args.Bind(name);
                return d.Keys.ToList<object?>();
            case "values":
                args.Bind(name);
                return d.Values.ToList();
            case "get":
                var a = args.Bind(name, "key", "default");
                object? key = CallValues.Required(a[0], name, "key");
                return key is not null && TemplateValue.IsHashable(key) && d.TryGetValue(key, out var v) ? v : CallValues.Or(a[1], null);
            case "copy":
                args.Bind(name);
                var copy = TemplateValue.NewDict();
                foreach (var (k, val) in d)
                {
                    copy.Add(k, val);
                }

                return copy;
            default:
                throw Unsupported("dict", name);
        }
    }

    private static object? InvokeSequence(IList<object?> list, string name, CallValues args)
    {
        object?[] a;
        switch (name)
        {
            case "index":
                a = args.Bind(name, "value");
                object? value = CallValues.Required(a[0], name, "value");
                for (int i = 0; i < list.Count; i++)
                {
                    if (TemplateValue.PyEquals(list[i], value))
                    {
                        return (long)i;
                    }
                }

                throw TemplateValue.Error($"ValueError: {TemplateValue.Repr(value)} is not in list");
            case "count":
                a = args.Bind(name, "value");
                return (long)list.Count(x => TemplateValue.PyEquals(x, CallValues.Required(a[0], name, "value")));
            case "copy":
                args.Bind(name);
                return list.ToList();
            default:
                throw Unsupported(TemplateValue.TypeName(list), name);
        }
    }
}
