using System.Text.Json;
using SparseX.Engine.Text.Templates;

namespace SparseX.Engine.Tests;

/// <summary><see cref="ChatTemplate.FromDirectory"/> and the fixture tokenizer's ChatML template.</summary>
public sealed class ChatTemplateLoadingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sparsex-template-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private void Write(string name, string text) => File.WriteAllText(Path.Combine(_dir, name), text);

    [Fact]
    public void FixtureTokenizerChatMlRendersItsReferenceConversation()
    {
        using var cases = JsonDocument.Parse(File.ReadAllText(Path.Combine(FixturePaths.FixtureTokenizer, "tokenizer_cases.json")));
        var chat = cases.RootElement.GetProperty("chat");
        var template = ChatTemplate.FromDirectory(FixturePaths.FixtureTokenizer);
        var messages = TemplateMessage.ListFromJson(chat.GetProperty("messages"));
        bool addGenerationPrompt = chat.GetProperty("add_generation_prompt").GetBoolean();

        Assert.Null(template.BosToken);
        Assert.Equal("<|im_end|>", template.EosToken);
        Assert.Equal(chat.GetProperty("rendered").GetString(), template.Render(messages, addGenerationPrompt: addGenerationPrompt));

        var spans = template.RenderSpans(messages, addGenerationPrompt: addGenerationPrompt);
        Assert.True(spans.BoundariesKnown);
        Assert.Equal(
            ["<|im_start|>system\n", messages[0].Content, "<|im_end|>\n<|im_start|>user\n", messages[1].Content, "<|im_end|>\n<|im_start|>assistant\n"],
            spans.Spans.Select(s => s.Text));
    }

    [Fact]
    public void ReadsTemplateAndTokenObjectsFromTokenizerConfig()
    {
        Write("tokenizer_config.json", """
            {"bos_token": {"__type": "AddedToken", "content": "<s>", "lstrip": false}, "eos_token": "</s>", "unk_token": null,
             "chat_template": "{{ bos_token }}{% for m in messages %}{{ m.content }}{% endfor %}{{ eos_token }}|{{ unk_token is defined }}"}
            """);
        var template = ChatTemplate.FromDirectory(_dir);
        Assert.Equal("<s>", template.BosToken);
        Assert.Equal("<s>hi</s>|False", template.Render([new TemplateMessage("user", "hi")]));
    }

    [Fact]
    public void PicksTheDefaultOfNamedTemplates()
    {
        Write("tokenizer_config.json", """
            {"chat_template": [{"name": "tool_use", "template": "tools"}, {"name": "default", "template": "default {{ messages | length }}"}]}
            """);
        Assert.Equal("default 0", ChatTemplate.FromDirectory(_dir).Render([]));
    }

    [Fact]
    public void NamedTemplatesWithoutDefaultAreRejectedWithTheirNames()
    {
        Write("tokenizer_config.json", """{"chat_template": [{"name": "tool_use", "template": "x"}, {"name": "rag", "template": "y"}]}""");
        var e = Assert.Throws<InvalidDataException>(() => ChatTemplate.FromDirectory(_dir));
        Assert.Contains("tool_use, rag", e.Message);
    }

    [Fact]
    public void ChatTemplateJinjaWinsOverTheConfigEntry()
    {
        Write("tokenizer_config.json", """{"eos_token": "</s>", "chat_template": "from config"}""");
        Write("chat_template.jinja", "from file {{ eos_token }}\n");
        Assert.Equal("from file </s>", ChatTemplate.FromDirectory(_dir).Render([]));
    }

    [Fact]
    public void MissingTemplateOrDirectoryIsAClearError()
    {
        Write("tokenizer_config.json", """{"eos_token": "</s>"}""");
        var e = Assert.Throws<FileNotFoundException>(() => ChatTemplate.FromDirectory(_dir));
        Assert.Contains("chat_template.jinja", e.Message);
        Assert.Throws<DirectoryNotFoundException>(() => ChatTemplate.FromDirectory(Path.Combine(_dir, "nope")));
    }

    [Fact]
    public void ExtraVariablesCannotReplaceRendererParameters()
    {
        var template = new ChatTemplate("{{ messages | length }}");
        var e = Assert.Throws<ArgumentException>(() => template.Render([], extraVariables: new Dictionary<string, object?> { ["messages"] = "x" }));
        Assert.Contains("messages", e.Message);
    }

    [Fact]
    public void TemplateSeesToolsDocumentsAndTypedToolCalls()
    {
        var template = new ChatTemplate(
            "{{ tools | length }}|{{ documents }}|{% for m in messages %}{{ m.tool_calls[0].function | tojson }}{{ m.tool_calls[0].type }}{% endfor %}|{{ enable_thinking }}");
        using var tools = JsonDocument.Parse("""[{"type": "function", "function": {"name": "f"}}]""");
        var call = new TemplateToolCall("abcdefghi", "f", new Dictionary<string, object?> { ["x"] = 1, ["y"] = new[] { "a" } });
        string rendered = template.Render([new TemplateMessage("assistant", "") { ToolCalls = [call] }], tools.RootElement,
            extraVariables: new Dictionary<string, object?> { ["enable_thinking"] = false });
        Assert.Equal("1|None|{\"name\": \"f\", \"arguments\": {\"x\": 1, \"y\": [\"a\"]}}function|False", rendered);
    }
}
