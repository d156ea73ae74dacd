namespace SparseX.Engine.Text.Templates;

/// <summary>
/// A rendered prompt split into spans. Concatenating <see cref="Spans"/> gives <see cref="Text"/>, which equals
/// <see cref="ChatTemplate.Render"/>'s output for the same input.
/// </summary>
public sealed class TemplateRendering
{
    internal TemplateRendering(string text, IReadOnlyList<TemplateSpan> spans, IReadOnlyList<int> transformed, IReadOnlyList<int> omitted)
    {
        Text = text;
        Spans = spans;
        TransformedMessages = transformed;
        OmittedMessages = omitted;
    }

    /// <summary>Gets the whole rendered prompt.</summary>
    public string Text { get; }

    /// <summary>Gets the spans in output order. A message's content may appear in more than one span (if the
    /// template repeats it) or in none (if the template drops it).</summary>
    public IReadOnlyList<TemplateSpan> Spans { get; }

    /// <summary>
    /// Gets whether every message with non-empty string content was either found verbatim as
    /// <see cref="TemplateSpanKind.MessageContent"/> span(s) or shown not to be rendered at all. False when the
    /// template transforms some content (e.g. <c>content | trim</c> on content with outer whitespace, or
    /// <c>content | tojson</c>): that content is then part of the glue, see <see cref="TransformedMessages"/>.
    /// </summary>
    public bool BoundariesKnown => TransformedMessages.Count == 0;

    /// <summary>Gets the indices of messages whose content the template rendered in a changed form; their text lies in glue.</summary>
    public IReadOnlyList<int> TransformedMessages { get; }

    /// <summary>Gets the indices of messages with content that the template did not render at all.</summary>
    public IReadOnlyList<int> OmittedMessages { get; }
}
