namespace SparseX.Engine.Text.Templates;

/// <summary>Jinja's built-in tests (<c>x is defined</c>, <c>x is string</c>, <c>x is equalto y</c>, …).</summary>
internal static class TemplateTests
{
    private static readonly Dictionary<string, Func<object?, CallValues, bool>> Tests = new(StringComparer.Ordinal)
    {
        ["defined"] = (v, a) => NoArgs("defined", a, v is not UndefinedValue),
        ["undefined"] = (v, a) => NoArgs("undefined", a, v is UndefinedValue),
        ["none"] = (v, a) => NoArgs("none", a, v is null),
        ["boolean"] = (v, a) => NoArgs("boolean", a, v is bool),
        ["true"] = (v, a) => NoArgs("true", a, v is true),
        ["false"] = (v, a) => NoArgs("false", a, v is false),
        ["string"] = (v, a) => NoArgs("string", a, v is string),
        ["number"] = (v, a) => NoArgs("number", a, TemplateValue.IsNumber(v)),
        ["integer"] = (v, a) => NoArgs("integer", a, v is long),
        ["float"] = (v, a) => NoArgs("float", a, v is double),
        ["mapping"] = (v, a) => NoArgs("mapping", a, v is OrderedDictionary<object, object?>),
        ["iterable"] = (v, a) => NoArgs("iterable", a, v is string or List<object?> or object?[] or OrderedDictionary<object, object?> or UndefinedValue),
        ["sequence"] = (v, a) => NoArgs("sequence", a, v is string or List<object?> or object?[] or OrderedDictionary<object, object?> or UndefinedValue),
        ["callable"] = (v, a) => NoArgs("callable", a, v is TemplateCallable),
        ["escaped"] = (v, a) => NoArgs("escaped", a, false),
        ["lower"] = (v, a) => NoArgs("lower", a, TemplateValue.ToStr(v) is var s && s.Any(char.IsLetter) && !s.Any(char.IsUpper)),
        ["upper"] = (v, a) => NoArgs("upper", a, TemplateValue.ToStr(v) is var s && s.Any(char.IsLetter) && !s.Any(char.IsLower)),
        ["even"] = (v, a) => NoArgs("even", a, TemplateValue.AsLong(TemplateValue.Defined(v)) % 2 == 0),
        ["odd"] = (v, a) => NoArgs("odd", a, TemplateValue.AsLong(TemplateValue.Defined(v)) % 2 != 0),
        ["divisibleby"] = (v, a) => TemplateValue.AsLong(v) % TemplateValue.AsLong(One("divisibleby", a)) == 0,
        ["eq"] = (v, a) => TemplateValue.PyEquals(v, One("eq", a)),
        ["equalto"] = (v, a) => TemplateValue.PyEquals(v, One("equalto", a)),
        ["ne"] = (v, a) => !TemplateValue.PyEquals(v, One("ne", a)),
        ["lt"] = (v, a) => TemplateValue.Compare(v, One("lt", a), "<") < 0,
        ["lessthan"] = (v, a) => TemplateValue.Compare(v, One("lessthan", a), "<") < 0,
        ["le"] = (v, a) => TemplateValue.Compare(v, One("le", a), "<=") <= 0,
        ["gt"] = (v, a) => TemplateValue.Compare(v, One("gt", a), ">") > 0,
        ["greaterthan"] = (v, a) => TemplateValue.Compare(v, One("greaterthan", a), ">") > 0,
        ["ge"] = (v, a) => TemplateValue.Compare(v, One("ge", a), ">=") >= 0,
        ["in"] = (v, a) => TemplateValue.Contains(One("in", a), v),
        ["sameas"] = (v, a) => SameAs(v, One("sameas", a)),
        ["filter"] = (v, a) => v is string name && TemplateFilters.Exists(name),
        ["test"] = (v, a) => v is string name && Exists(name),
    };

    /// <summary>Whether a test named <paramref name="name"/> exists.</summary>
    public static bool Exists(string name) => Tests.ContainsKey(name) || name is "==" or "!=" or "<" or "<=" or ">" or ">=";

    /// <summary>Applies test <paramref name="name"/> to <paramref name="value"/>.</summary>
    public static bool Apply(string name, object? value, CallValues args)
    {
        if (!Tests.TryGetValue(name, out var test))
        {
            throw new TemplateException(TemplateErrorKind.Unsupported, $"Unsupported test '{name}'");
        }

        return test(value, args);
    }

    private static bool NoArgs(string name, CallValues args, bool result) =>
        args.Positional.Count == 0 && args.Keywords.Count == 0 ? result : throw TemplateValue.Error($"TypeError: test '{name}' takes no arguments");

    private static object? One(string name, CallValues args) => CallValues.Required(args.Bind(name, "other")[0], name, "other");

    private static bool SameAs(object? a, object? b) => (a, b) switch
    {
        (null, null) => true,
        (bool x, bool y) => x == y,
        (long x, long y) => x == y,
        _ => a is not null && ReferenceEquals(a, b),
    };
}
