namespace SparseX.Engine.Text.Templates;

/// <summary>What a <see cref="TemplateSpan"/> holds.</summary>
public enum TemplateSpanKind
{
    /// <summary>Text the template itself produced: role markers, separators, system boilerplate, tool schemas, …</summary>
    Glue,

    /// <summary>The content of one message, verbatim.</summary>
    MessageContent,
}

/// <summary>One piece of a rendered prompt (DESIGN §3 "request layout").</summary>
/// <param name="Kind">Glue or message content.</param>
/// <param name="Text">The text of the piece.</param>
/// <param name="MessageIndex">For <see cref="TemplateSpanKind.MessageContent"/>, the index of the message in the
/// list passed to the renderer; -1 for glue.</param>
public readonly record struct TemplateSpan(TemplateSpanKind Kind, string Text, int MessageIndex)
{
    /// <summary>A glue span.</summary>
    public static TemplateSpan Glue(string text) => new(TemplateSpanKind.Glue, text, -1);

    /// <summary>A span holding message <paramref name="messageIndex"/>'s content.</summary>
    public static TemplateSpan Content(string text, int messageIndex) => new(TemplateSpanKind.MessageContent, text, messageIndex);
}
