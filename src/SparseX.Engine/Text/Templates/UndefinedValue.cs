namespace SparseX.Engine.Text.Templates;

/// <summary>
/// Jinja's default <c>Undefined</c>: renders as an empty string, is falsy, iterates as empty and has length 0,
/// but raises when used in arithmetic, called, or when an attribute or item is read from it.
/// </summary>
internal sealed class UndefinedValue
{
    private UndefinedValue(string hint) => Hint = hint;

    /// <summary>Gets the message used when the value is misused, e.g. <c>'foo' is undefined</c>.</summary>
    public string Hint { get; }

    /// <summary>An undefined variable.</summary>
    public static UndefinedValue ForName(string name) => new($"'{name}' is undefined");

    /// <summary>A missing attribute or item of <paramref name="owner"/>.</summary>
    public static UndefinedValue ForMember(object? owner, object? member) =>
        new($"{PyText.Repr(TemplateValue.ObjectTypeRepr(owner))} has no attribute {TemplateValue.Repr(member)}");

    /// <summary>An undefined value with a custom hint.</summary>
    public static UndefinedValue WithHint(string hint) => new(hint);

    /// <summary>The exception to throw when this value is misused.</summary>
    public TemplateException Error() => new(TemplateErrorKind.Runtime, $"UndefinedError: {Hint}");
}
