namespace SparseX.Engine.Text.Templates;

/// <summary>What went wrong while compiling or rendering a chat template.</summary>
public enum TemplateErrorKind
{
    /// <summary>The template text is not valid Jinja (unbalanced tags, bad expression, unknown tag).</summary>
    Syntax,

    /// <summary>The template uses a Jinja construct (tag, filter, test, method, feature) this interpreter does not implement.</summary>
    Unsupported,

    /// <summary>An expression failed at run time the way it would in Python (type error, undefined value used, …).</summary>
    Runtime,

    /// <summary>The template called <c>raise_exception(message)</c>: the input is not valid for this model.</summary>
    Raised,
}

/// <summary>
/// Thrown when a chat template cannot be compiled or rendered. The message names the construct and the template
/// line, e.g. <c>Unsupported filter 'groupby' (template line 12).</c>
/// </summary>
public sealed class TemplateException : Exception
{
    /// <summary>Creates an exception.</summary>
    /// <param name="kind">The kind of failure.</param>
    /// <param name="message">The description, without the line suffix.</param>
    /// <param name="line">The 1-based template line, when known.</param>
    /// <param name="innerException">The underlying exception, if any.</param>
    public TemplateException(TemplateErrorKind kind, string message, int? line = null, Exception? innerException = null)
        : base(line is int l ? $"{message} (template line {l})." : message, innerException)
    {
        Kind = kind;
        Line = line;
        Detail = message;
    }

    /// <summary>Gets the kind of failure.</summary>
    public TemplateErrorKind Kind { get; }

    /// <summary>Gets the 1-based template line the failure was found on, when known.</summary>
    public int? Line { get; }

    /// <summary>Gets the message without the line suffix (for <see cref="TemplateErrorKind.Raised"/>, the template's own text).</summary>
    public string Detail { get; }

    /// <summary>Returns a copy with the line filled in, when this one has none.</summary>
    internal TemplateException WithLine(int line) =>
        Line is null ? new TemplateException(Kind, Detail, line, InnerException) : this;
}
