namespace SparseX.SemanticKernel;

/// <summary>How the model writes tool calls in its output (DESIGN §6).</summary>
public enum SparseXToolCallFormat
{
    /// <summary>Chosen from the chat template: <c>&lt;tool_call&gt;</c> → Hermes, <c>[TOOL_CALLS]</c> → Mistral,
    /// <c>&lt;|python_tag|&gt;</c> or an <c>ipython</c> role → Llama 3.1 JSON; otherwise Hermes.</summary>
    Auto,

    /// <summary>Tool calls are not parsed: all output is text.</summary>
    None,

    /// <summary>Hermes / Qwen: <c>&lt;tool_call&gt;{"name": …, "arguments": {…}}&lt;/tool_call&gt;</c>, one block per call.</summary>
    Hermes,

    /// <summary>Llama 3.1/3.2: the whole reply is <c>{"name": …, "parameters": {…}}</c> (optionally after
    /// <c>&lt;|python_tag|&gt;</c>; several calls separated by <c>;</c>).</summary>
    Llama3Json,

    /// <summary>Mistral: <c>[TOOL_CALLS][{"name": …, "arguments": {…}}, …]</c>.</summary>
    Mistral,
}
