namespace SparseX.Engine.Text.Templates;

/// <summary>Evaluated call arguments: positional values then keyword values.</summary>
internal sealed class CallValues
{
    /// <summary>Creates argument values.</summary>
    public CallValues(List<object?> positional, List<KeyValuePair<string, object?>> keywords)
    {
        Positional = positional;
        Keywords = keywords;
    }

    /// <summary>Gets the positional values.</summary>
    public List<object?> Positional { get; }

    /// <summary>Gets the keyword values in call order.</summary>
    public List<KeyValuePair<string, object?>> Keywords { get; }

    /// <summary>
    /// Binds the arguments to <paramref name="parameters"/> like a Python signature (positional or keyword);
    /// returns one slot per parameter, <see cref="Missing"/> where none was given.
    /// </summary>
    public object?[] Bind(string callee, params string[] parameters)
    {
        if (Positional.Count > parameters.Length)
        {
            throw TemplateValue.Error($"TypeError: {callee}() takes at most {parameters.Length} argument(s) ({Positional.Count} given)");
        }

        var slots = new object?[parameters.Length];
        Array.Fill(slots, Missing);
        for (int i = 0; i < Positional.Count; i++)
        {
            slots[i] = Positional[i];
        }

        foreach (var (key, value) in Keywords)
        {
            int i = Array.IndexOf(parameters, key);
            if (i < 0)
            {
                throw TemplateValue.Error($"TypeError: {callee}() got an unexpected keyword argument '{key}'");
            }

            if (!ReferenceEquals(slots[i], Missing))
            {
                throw TemplateValue.Error($"TypeError: {callee}() got multiple values for argument '{key}'");
            }

            slots[i] = value;
        }

        return slots;
    }

    /// <summary>Marks a parameter that was not passed.</summary>
    public static readonly object Missing = new();

    /// <summary>The slot's value, or <paramref name="fallback"/> when it was not passed.</summary>
    public static object? Or(object? slot, object? fallback) => ReferenceEquals(slot, Missing) ? fallback : slot;

    /// <summary>The slot's value; throws when a required parameter was not passed.</summary>
    public static object? Required(object? slot, string callee, string parameter) => ReferenceEquals(slot, Missing)
        ? throw TemplateValue.Error($"TypeError: {callee}() missing required argument '{parameter}'")
        : slot;
}
