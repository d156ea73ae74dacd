using System.Text;
using System.Text.Json;
using SparseX.Engine.Text.Templates;

namespace SparseX.Engine.Tests;

/// <summary>
/// The seven published chat templates × eight conversations, rendered by transformers 5.17.0 into
/// shared/fixtures/chat-templates/expected: our renders must match byte for byte.
/// </summary>
public class ChatTemplateFixtureTests
{
    private static readonly Lazy<JsonDocument> Index = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(FixturePaths.ChatTemplates, "expected", "index.json"))));

    private static readonly Lazy<JsonDocument> Conversations = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(FixturePaths.ChatTemplates, "conversations.json"))));

    /// <summary>One fixture case.</summary>
    internal sealed record FixtureCase(
        string Template,
        string ConversationId,
        bool AddGenerationPrompt,
        Dictionary<string, object?> Variables,
        JsonElement Conversation,
        string Expected)
    {
        public string Source => File.ReadAllText(Path.Combine(FixturePaths.ChatTemplates, Template));

        public JsonElement? Tools => Conversation.TryGetProperty("tools", out var t) ? t : null;

        public IReadOnlyList<TemplateMessage> JsonMessages => TemplateMessage.ListFromJson(Conversation.GetProperty("messages"));
    }

    public static TheoryData<string> CaseNames() => new(Names());

    /// <summary>The expected-file names of all cases, in index order.</summary>
    internal static IEnumerable<string> Names() =>
        Index.Value.RootElement.GetProperty("cases").EnumerateArray().Select(c => c.GetProperty("expected").GetString()!).ToList();

    internal static FixtureCase Load(string expectedFile)
    {
        var c = Index.Value.RootElement.GetProperty("cases").EnumerateArray().Single(x => x.GetProperty("expected").GetString() == expectedFile);
        var variables = new Dictionary<string, object?>();
        foreach (var p in c.GetProperty("special_tokens").EnumerateObject())
        {
            variables[p.Name] = p.Value.ValueKind == JsonValueKind.Null ? null : p.Value.GetString();
        }

        foreach (var p in c.GetProperty("variables").EnumerateObject())
        {
            variables[p.Name] = p.Value;
        }

        string id = c.GetProperty("conversation").GetString()!;
        var conversation = Conversations.Value.RootElement.GetProperty("conversations").EnumerateArray()
            .Single(x => x.GetProperty("id").GetString() == id);
        byte[] expected = File.ReadAllBytes(Path.Combine(FixturePaths.ChatTemplates, "expected", expectedFile));
        return new FixtureCase(c.GetProperty("template").GetString()!, id, c.GetProperty("add_generation_prompt").GetBoolean(),
            variables, conversation, new UTF8Encoding(false, true).GetString(expected));
    }

    internal static ChatTemplate Compile(FixtureCase c) => new(c.Source);

    [Fact]
    public void IndexListsAllFiftySixCases() => Assert.Equal(56, Names().Count());

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void RendersLikeTransformers_FromJsonMessages(string expectedFile)
    {
        var c = Load(expectedFile);
        string rendered = Compile(c).Render(c.JsonMessages, c.Tools, c.AddGenerationPrompt, c.Variables);
        Assert.Equal(c.Expected, rendered);
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void RendersLikeTransformers_FromTypedMessages(string expectedFile)
    {
        var c = Load(expectedFile);
        var typed = c.Conversation.GetProperty("messages").EnumerateArray().Select(ToTyped).ToList();
        string rendered = Compile(c).Render(typed, c.Tools, c.AddGenerationPrompt, c.Variables);
        Assert.Equal(c.Expected, rendered);
    }

    private static TemplateMessage ToTyped(JsonElement m)
    {
        string? Str(string name) => m.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        List<TemplateToolCall>? calls = null;
        if (m.TryGetProperty("tool_calls", out var tc))
        {
            calls = tc.EnumerateArray().Select(call => new TemplateToolCall(
                call.GetProperty("id").GetString()!,
                call.GetProperty("function").GetProperty("name").GetString()!,
                call.GetProperty("function").GetProperty("arguments"))).ToList();
        }

        return new TemplateMessage(Str("role")!, Str("content"))
        {
            ToolCalls = calls,
            ToolCallId = Str("tool_call_id"),
            Name = Str("name"),
            ReasoningContent = Str("reasoning_content"),
        };
    }
}
