using System.Text;
using Microsoft.Extensions.AI;

namespace SparseX.SemanticKernel.ToolCalls;

/// <summary>
/// Llama 3.1/3.2 JSON tool calls: the whole reply is <c>{"name": …, "parameters": {…}}</c>, optionally after
/// <c>&lt;|python_tag|&gt;</c>, several calls separated by <c>;</c>. A reply that starts with <c>{</c> is held to its end
/// and then read as calls; if it is JSON but not calls, it is passed on as text.
/// </summary>
internal sealed class Llama3JsonToolCallParser : ToolCallParser
{
    private const string PythonTag = "<|python_tag|>";
    private readonly StringBuilder _buffer = new();
    private Mode _mode;

    private enum Mode
    {
        Undecided,
        Text,
        Json,
    }

    /// <inheritdoc />
    public override void Push(string text, List<AIContent> output)
    {
        if (_mode == Mode.Text)
        {
            EmitText(text, output);
            return;
        }

        _buffer.Append(text);
        if (_mode == Mode.Json)
        {
            return;
        }

        string start = _buffer.ToString().TrimStart();
        if (start.Length == 0 || (start.Length < PythonTag.Length && PythonTag.StartsWith(start, StringComparison.Ordinal)))
        {
            return;
        }

        if (start[0] == '{' || start.StartsWith(PythonTag, StringComparison.Ordinal))
        {
            _mode = Mode.Json;
            return;
        }

        _mode = Mode.Text;
        EmitText(_buffer.ToString(), output);
        _buffer.Clear();
    }

    /// <inheritdoc />
    public override void Flush(List<AIContent> output)
    {
        string held = _buffer.ToString();
        _buffer.Clear();
        if (_mode == Mode.Json)
        {
            List<FunctionCallContent>? calls = ReadCalls(held);
            if (calls is not null)
            {
                foreach (FunctionCallContent call in calls)
                {
                    EmitCall(call, output);
                }

                FlushText(output);
                return;
            }
        }

        EmitText(held, output);
        FlushText(output);
    }

    // The calls of a reply, or null if it is not (an attempt at) calls.
    private static List<FunctionCallContent>? ReadCalls(string reply)
    {
        string body = reply.TrimStart();
        if (body.StartsWith(PythonTag, StringComparison.Ordinal))
        {
            body = body[PythonTag.Length..];
        }

        var calls = new List<FunctionCallContent>();
        int i = 0;
        while (true)
        {
            while (i < body.Length && (char.IsWhiteSpace(body[i]) || body[i] == ';'))
            {
                i++;
            }

            if (i == body.Length)
            {
                return calls.Count > 0 ? calls : null;
            }

            int end = body[i] == '{' ? ToolCallJson.FindValueEnd(body, i) : -1;
            string candidate = end < 0 ? body[i..] : body[i..end];
            if (ToolCallJson.IsCall(candidate) || ToolCallJson.LooksLikeCall(candidate))
            {
                calls.Add(ToolCallJson.Parse(candidate));
            }
            else
            {
                return calls.Count > 0 ? [.. calls, ToolCallJson.Parse(candidate)] : null;
            }

            if (end < 0)
            {
                return calls;
            }

            i = end;
        }
    }
}
