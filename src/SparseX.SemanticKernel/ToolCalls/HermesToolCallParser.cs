using System.Text;
using Microsoft.Extensions.AI;

namespace SparseX.SemanticKernel.ToolCalls;

/// <summary>Hermes / Qwen: each call is <c>&lt;tool_call&gt;{json}&lt;/tool_call&gt;</c>; text may come before, between and after.</summary>
internal sealed class HermesToolCallParser : ToolCallParser
{
    private const string Open = "<tool_call>";
    private const string Close = "</tool_call>";
    private readonly StringBuilder _buffer = new();
    private bool _inCall;

    /// <inheritdoc />
    public override void Push(string text, List<AIContent> output)
    {
        _buffer.Append(text);
        while (true)
        {
            string pending = _buffer.ToString();
            int at = pending.IndexOf(_inCall ? Close : Open, StringComparison.Ordinal);
            if (_inCall)
            {
                if (at < 0)
                {
                    return;
                }

                EmitCall(ToolCallJson.Parse(pending[..at]), output);
                _buffer.Clear().Append(pending, at + Close.Length, pending.Length - at - Close.Length);
                _inCall = false;
            }
            else if (at >= 0)
            {
                EmitText(pending[..at], output);
                _buffer.Clear().Append(pending, at + Open.Length, pending.Length - at - Open.Length);
                _inCall = true;
            }
            else
            {
                int held = PartialMarkerLength(pending, Open);
                EmitText(pending[..^held], output);
                _buffer.Clear().Append(pending, pending.Length - held, held);
                return;
            }
        }
    }

    /// <inheritdoc />
    public override void Flush(List<AIContent> output)
    {
        string pending = _buffer.ToString();
        _buffer.Clear();
        if (_inCall)
        {
            // An unterminated call (the reply stopped before </tool_call>): read what is there.
            if (!string.IsNullOrWhiteSpace(pending))
            {
                EmitCall(ToolCallJson.Parse(pending), output);
            }

            _inCall = false;
        }
        else
        {
            EmitText(pending, output);
        }

        FlushText(output);
    }
}
