using System.Text.Json;
using SparseX.Engine.Text.Templates;

namespace SparseX.Engine.Tests;

/// <summary>
/// Template branches the transformers fixtures do not reach (Llama 3.1 builtin_tools / ipython, tools in the
/// system turn, custom_tools, Qwen3 enable_thinking=false and &lt;think&gt; splitting, string tool arguments,
/// Mistral's alternation check), against jinja2 3.1.6 configured as transformers configures it
/// (TestData/jinja2-template-branches.json says how it was generated).
/// </summary>
public class ChatTemplateBranchTests
{
    private static readonly Lazy<JsonDocument> Data = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "jinja2-template-branches.json"))));

    private static readonly Lazy<JsonDocument> SharedConversations = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(FixturePaths.ChatTemplates, "conversations.json"))));

    public static TheoryData<int> CaseIndices() => new(Enumerable.Range(0, Data.Value.RootElement.GetProperty("cases").GetArrayLength()));

    private sealed class FixedClock : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => new(2025, 3, 7, 12, 0, 0, TimeSpan.Zero);

        public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;
    }

    [Theory]
    [MemberData(nameof(CaseIndices))]
    public void RendersLikeJinja(int index)
    {
        var c = Data.Value.RootElement.GetProperty("cases")[index];
        string id = c.GetProperty("conversation").GetString()!;
        var conversation = SharedConversations.Value.RootElement.GetProperty("conversations").EnumerateArray()
            .Concat(Data.Value.RootElement.GetProperty("conversations").EnumerateArray())
            .Single(x => x.GetProperty("id").GetString() == id);
        var template = new ChatTemplate(File.ReadAllText(Path.Combine(FixturePaths.ChatTemplates, c.GetProperty("template").GetString()!)),
            new Dictionary<string, string?>(), new FixedClock());
        var variables = c.GetProperty("variables").EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value);
        var messages = TemplateMessage.ListFromJson(conversation.GetProperty("messages"));
        JsonElement? tools = conversation.TryGetProperty("tools", out var t) ? t : null;
        bool addGenerationPrompt = conversation.GetProperty("add_generation_prompt").GetBoolean();
        string expected = c.GetProperty("expected").GetString()!;

        if (expected.StartsWith("EXC ", StringComparison.Ordinal))
        {
            var e = Assert.Throws<TemplateException>(() => template.Render(messages, tools, addGenerationPrompt, variables));
            Assert.Equal(TemplateErrorKind.Raised, e.Kind);
            Assert.Equal(expected[4..], e.Detail);
            return;
        }

        Assert.Equal(expected, template.Render(messages, tools, addGenerationPrompt, variables));
        var spans = template.RenderSpans(messages, tools, addGenerationPrompt, variables);
        Assert.Equal(expected, string.Concat(spans.Spans.Select(s => s.Text)));
    }
}
