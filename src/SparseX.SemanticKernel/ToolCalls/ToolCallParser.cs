using System.Text;
using Microsoft.Extensions.AI;
using SparseX.Engine.Text.Templates;

namespace SparseX.SemanticKernel.ToolCalls;

/// <summary>
/// Splits a streamed reply into text and complete tool calls (DESIGN §6). Text is passed on as soon as it cannot be
/// the start of a call marker; a call is held back until it is complete, so raw markers never reach the caller.
/// Whitespace around calls is dropped.
/// </summary>
internal abstract class ToolCallParser
{
    private readonly StringBuilder _heldWhitespace = new();
    private bool _afterCall;

    /// <summary>Gets the number of calls emitted so far.</summary>
    public int CallCount { get; private set; }

    /// <summary>Creates the parser for a format.</summary>
    /// <param name="format">The format; <see cref="SparseXToolCallFormat.Auto"/> looks at the template.</param>
    /// <param name="template">The model's chat template.</param>
    /// <returns>The parser, or null for <see cref="SparseXToolCallFormat.None"/>.</returns>
    public static ToolCallParser? Create(SparseXToolCallFormat format, ChatTemplate template) =>
        (format == SparseXToolCallFormat.Auto ? Detect(template.Source) : format) switch
        {
            SparseXToolCallFormat.Hermes => new HermesToolCallParser(),
            SparseXToolCallFormat.Llama3Json => new Llama3JsonToolCallParser(),
            SparseXToolCallFormat.Mistral => new MistralToolCallParser(),
            SparseXToolCallFormat.None => null,
            var other => throw new ArgumentOutOfRangeException(nameof(format), other, "Unknown tool-call format."),
        };

    /// <summary>The format a chat template teaches its model.</summary>
    public static SparseXToolCallFormat Detect(string templateSource)
    {
        ArgumentNullException.ThrowIfNull(templateSource);
        if (templateSource.Contains("<tool_call>", StringComparison.Ordinal))
        {
            return SparseXToolCallFormat.Hermes;
        }

        if (templateSource.Contains("[TOOL_CALLS]", StringComparison.Ordinal))
        {
            return SparseXToolCallFormat.Mistral;
        }

        if (templateSource.Contains("<|python_tag|>", StringComparison.Ordinal) || templateSource.Contains("ipython", StringComparison.Ordinal))
        {
            return SparseXToolCallFormat.Llama3Json;
        }

        return SparseXToolCallFormat.Hermes;
    }

    /// <summary>Feeds more reply text.</summary>
    /// <param name="text">The text.</param>
    /// <param name="output">Receives text and call contents that are ready.</param>
    public abstract void Push(string text, List<AIContent> output);

    /// <summary>Ends the reply: whatever is held becomes text or (possibly malformed) calls.</summary>
    /// <param name="output">Receives the remaining contents.</param>
    public abstract void Flush(List<AIContent> output);

    /// <summary>The length of the longest suffix of <paramref name="text"/> that is a proper prefix of <paramref name="marker"/>.</summary>
    protected static int PartialMarkerLength(string text, string marker)
    {
        for (int k = Math.Min(text.Length, marker.Length - 1); k > 0; k--)
        {
            if (text.AsSpan(text.Length - k).SequenceEqual(marker.AsSpan(0, k)))
            {
                return k;
            }
        }

        return 0;
    }

    /// <summary>Passes text on, holding trailing whitespace until more text shows it is not just padding around a call.</summary>
    protected void EmitText(string text, List<AIContent> output)
    {
        if (text.Length == 0)
        {
            return;
        }

        int end = text.Length;
        while (end > 0 && char.IsWhiteSpace(text[end - 1]))
        {
            end--;
        }

        if (end == 0)
        {
            _heldWhitespace.Append(text);
            return;
        }

        string body = _afterCall ? text[..end].TrimStart() : _heldWhitespace + text[..end];
        _afterCall = false;
        output.Add(new TextContent(body));
        _heldWhitespace.Clear().Append(text, end, text.Length - end);
    }

    /// <summary>Emits a call; whitespace held before it is dropped.</summary>
    protected void EmitCall(FunctionCallContent call, List<AIContent> output)
    {
        _heldWhitespace.Clear();
        _afterCall = true;
        CallCount++;
        output.Add(call);
    }

    /// <summary>At the end of the reply: held whitespace is text unless the reply made calls.</summary>
    protected void FlushText(List<AIContent> output)
    {
        if (CallCount == 0 && _heldWhitespace.Length > 0)
        {
            output.Add(new TextContent(_heldWhitespace.ToString()));
        }

        _heldWhitespace.Clear();
    }
}
