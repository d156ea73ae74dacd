using SparseX.Engine.Text.Templates;

namespace SparseX.SemanticKernel.Tests;

/// <summary>Chat templates used with the scripted generator.</summary>
internal static class Templates
{
    /// <summary>ChatML, as the fixture checkpoint's chat_template.jinja (no tool support).</summary>
    public static ChatTemplate ChatMl { get; } = new(File.ReadAllText(Path.Combine(FixturePaths.LlamaGqa, "chat_template.jinja")), eosToken: "<|im_end|>");

    /// <summary>Qwen2.5's published template: tools in the system block, Hermes-style &lt;tool_call&gt;.</summary>
    public static ChatTemplate Qwen25 { get; } = new(File.ReadAllText(FixturePaths.ChatTemplate("qwen2.5-7b-instruct.jinja")));

    /// <summary>Llama 3.1's published template (JSON tool calls with "parameters").</summary>
    public static ChatTemplate Llama31 { get; } = new(File.ReadAllText(FixturePaths.ChatTemplate("llama-3.1-8b-instruct.jinja")), bosToken: "<|begin_of_text|>", eosToken: "<|eot_id|>");

    /// <summary>Mistral v0.3's published template ([TOOL_CALLS]).</summary>
    public static ChatTemplate Mistral { get; } = new(File.ReadAllText(FixturePaths.ChatTemplate("mistral-7b-instruct-v0.3.jinja")), bosToken: "<s>", eosToken: "</s>");
}
