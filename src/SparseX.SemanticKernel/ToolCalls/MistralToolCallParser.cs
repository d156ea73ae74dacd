using System.Text;
using Microsoft.Extensions.AI;

namespace SparseX.SemanticKernel.ToolCalls;

/// <summary>
/// Mistral: <c>[TOOL_CALLS]</c> followed by a JSON array of <c>{"name", "arguments"}</c> objects (v0.3), or by
/// <c>name[ARGS]{json}</c> (later tokenizers). Text before the marker is passed on.
/// </summary>
internal sealed class MistralToolCallParser : ToolCallParser
{
    private const string Marker = "[TOOL_CALLS]";
    private const string ArgsMarker = "[ARGS]";
    private readonly StringBuilder _buffer = new();
    private bool _inCalls;

    /// <inheritdoc />
    public override void Push(string text, List<AIContent> output)
    {
        _buffer.Append(text);
        while (true)
        {
            string pending = _buffer.ToString();
            if (!_inCalls)
            {
                int at = pending.IndexOf(Marker, StringComparison.Ordinal);
                if (at < 0)
                {
                    int held = PartialMarkerLength(pending, Marker);
                    EmitText(pending[..^held], output);
                    _buffer.Clear().Append(pending, pending.Length - held, held);
                    return;
                }

                EmitText(pending[..at], output);
                _buffer.Clear().Append(pending, at + Marker.Length, pending.Length - at - Marker.Length);
                _inCalls = true;
                continue;
            }

            int consumed = TryReadCalls(pending, output);
            if (consumed < 0)
            {
                return;
            }

            _buffer.Clear().Append(pending, consumed, pending.Length - consumed);
            _inCalls = false;
        }
    }

    /// <inheritdoc />
    public override void Flush(List<AIContent> output)
    {
        string pending = _buffer.ToString();
        _buffer.Clear();
        if (_inCalls)
        {
            if (!string.IsNullOrWhiteSpace(pending))
            {
                int args = pending.IndexOf(ArgsMarker, StringComparison.Ordinal);
                IEnumerable<FunctionCallContent> calls = args > 0 && !pending.TrimStart().StartsWith('[')
                    ? [ToolCallJson.Parse(NamedCallJson(pending[..args].Trim(), pending[(args + ArgsMarker.Length)..]))]
                    : ToolCallJson.ParseMany(pending);
                foreach (FunctionCallContent call in calls)
                {
                    EmitCall(call, output);
                }
            }

            _inCalls = false;
        }
        else
        {
            EmitText(pending, output);
        }

        FlushText(output);
    }

    // Returns how much of the text after the marker was read as calls, or -1 if the calls are not complete yet.
    private int TryReadCalls(string pending, List<AIContent> output)
    {
        int start = 0;
        while (start < pending.Length && char.IsWhiteSpace(pending[start]))
        {
            start++;
        }

        if (start == pending.Length)
        {
            return -1;
        }

        if (pending[start] is '[' or '{')
        {
            int end = ToolCallJson.FindValueEnd(pending, start);
            if (end < 0)
            {
                return -1;
            }

            foreach (FunctionCallContent call in ToolCallJson.ParseMany(pending[start..end]))
            {
                EmitCall(call, output);
            }

            return end;
        }

        int args = pending.IndexOf(ArgsMarker, start, StringComparison.Ordinal);
        int open = args < 0 ? -1 : pending.IndexOf('{', args);
        int close = open < 0 ? -1 : ToolCallJson.FindValueEnd(pending, open);
        if (close < 0)
        {
            return -1;
        }

        EmitCall(ToolCallJson.Parse(NamedCallJson(pending[start..args].Trim(), pending[open..close])), output);
        return close;
    }

    private static string NamedCallJson(string name, string arguments) =>
        $"{{\"name\": {System.Text.Json.JsonSerializer.Serialize(name)}, \"arguments\": {arguments}}}";
}
