namespace SparseX.Engine.Text.Templates;

/// <summary>
/// The global functions a chat template can call: Jinja's <c>range</c>, <c>namespace</c> and <c>dict</c>, plus
/// transformers' <c>raise_exception(message)</c> and <c>strftime_now(format)</c>.
/// </summary>
internal static class TemplateGlobals
{
    /// <summary>The sandbox's limit on <c>range()</c> length (jinja2.sandbox.MAX_RANGE).</summary>
    public const int MaxRange = 100_000;

    /// <summary>Creates the globals; <paramref name="clock"/> supplies <c>strftime_now</c>'s local time.</summary>
    public static Dictionary<string, object?> Create(TimeProvider clock) => new(StringComparer.Ordinal)
    {
        ["range"] = new BuiltinFunction("range", Range),
        ["namespace"] = new BuiltinFunction("namespace", args =>
        {
            var ns = new NamespaceValue();
            Fill(ns.Attributes, args, "namespace");
            return ns;
        }),
        ["dict"] = new BuiltinFunction("dict", args =>
        {
            var attrs = new OrderedDictionary<string, object?>(StringComparer.Ordinal);
            Fill(attrs, args, "dict");
            var d = TemplateValue.NewDict();
            foreach (var (k, v) in attrs)
            {
                d[k] = v;
            }

            return d;
        }),
        ["raise_exception"] = new BuiltinFunction("raise_exception", args =>
        {
            var message = CallValues.Required(args.Bind("raise_exception", "message")[0], "raise_exception", "message");
            throw new TemplateException(TemplateErrorKind.Raised, TemplateValue.ToStr(message));
        }),
        ["strftime_now"] = new BuiltinFunction("strftime_now", args =>
        {
            var format = CallValues.Required(args.Bind("strftime_now", "format")[0], "strftime_now", "format");
            return Strftime.Format(clock.GetLocalNow(), TemplateValue.ToStr(format));
        }),
    };

    private static void Fill(OrderedDictionary<string, object?> target, CallValues args, string callee)
    {
        if (args.Positional.Count > 1)
        {
            throw TemplateValue.Error($"TypeError: {callee} expected at most 1 positional argument");
        }

        if (args.Positional.Count == 1)
        {
            if (args.Positional[0] is not OrderedDictionary<object, object?> source)
            {
                throw new TemplateException(TemplateErrorKind.Unsupported, $"{callee}() with a non-dict positional argument is not supported");
            }

            foreach (var (k, v) in source)
            {
                target[k as string ?? throw TemplateValue.Error($"TypeError: {callee} keywords must be strings")] = v;
            }
        }

        foreach (var (k, v) in args.Keywords)
        {
            target[k] = v;
        }
    }

    private static object? Range(CallValues args)
    {
        if (args.Keywords.Count > 0 || args.Positional.Count is < 1 or > 3)
        {
            throw TemplateValue.Error("TypeError: range expected 1 to 3 integer arguments");
        }

        long start = 0, stop, step = 1;
        if (args.Positional.Count == 1)
        {
            stop = TemplateValue.AsLong(TemplateValue.Defined(args.Positional[0]));
        }
        else
        {
            start = TemplateValue.AsLong(TemplateValue.Defined(args.Positional[0]));
            stop = TemplateValue.AsLong(TemplateValue.Defined(args.Positional[1]));
            if (args.Positional.Count == 3)
            {
                step = TemplateValue.AsLong(TemplateValue.Defined(args.Positional[2]));
            }
        }

        if (step == 0)
        {
            throw TemplateValue.Error("ValueError: range() arg 3 must not be zero");
        }

        var result = new List<object?>();
        for (long i = start; step > 0 ? i < stop : i > stop; i += step)
        {
            if (result.Count >= MaxRange)
            {
                throw TemplateValue.Error($"OverflowError: Range too big. The sandbox blocks ranges larger than MAX_RANGE ({MaxRange}).");
            }

            result.Add(i);
        }

        return result;
    }
}
