using System.Text;
using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;
using SparseX.Engine.Reuse;

namespace SparseX.SemanticKernel.Tests;

public class TaggingTests
{
    private static async Task<ScriptedGenerator> SendAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, ScriptedGenerator? generator = null)
    {
        generator ??= new ScriptedGenerator();
        using var client = new SparseXChatClient(generator);
        await client.GetResponseAsync(messages, options);
        return generator;
    }

    [Fact]
    public async Task SystemHistoryAndQuestionGetTheirKinds()
    {
        var generator = await SendAsync(
        [
            new(ChatRole.System, "You answer about trains."),
            new(ChatRole.User, "When does the first train leave?"),
            new(ChatRole.Assistant, "At 05:12."),
            new(ChatRole.User, "And the last one?"),
        ]);

        Assert.Equal(
            [
                (SegmentKind.System, "You answer about trains.", null),
                (SegmentKind.History, "When does the first train leave?", null),
                (SegmentKind.History, "At 05:12.", null),
            ],
            generator.Segments());

        // The question is plain text, inside one plain span with the glue around it.
        Assert.Contains(generator.Spans(), s => s.Kind is null && s.Text.Contains("And the last one?", StringComparison.Ordinal));
        Assert.Equal(
            "<|im_start|>system\nYou answer about trains.<|im_end|>\n<|im_start|>user\nWhen does the first train leave?<|im_end|>\n" +
            "<|im_start|>assistant\nAt 05:12.<|im_end|>\n<|im_start|>user\nAnd the last one?<|im_end|>\n<|im_start|>assistant\n",
            generator.PromptText());
    }

    [Fact]
    public async Task DeveloperRoleIsASystemSegment()
    {
        var generator = await SendAsync([new(new ChatRole("developer"), "Be brief."), new(ChatRole.User, "Hi")]);
        Assert.Equal([(SegmentKind.System, "Be brief.", null)], generator.Segments());
        Assert.StartsWith("<|im_start|>system\nBe brief.", generator.PromptText());
    }

    [Fact]
    public async Task ToolResultsAreToolOutputSegmentsOnePerResult()
    {
        var generator = new ScriptedGenerator(Templates.Qwen25);
        await SendAsync(
        [
            new(ChatRole.User, "Weather in Oslo and Bergen?"),
            new(ChatRole.Assistant, [new FunctionCallContent("c1", "get_weather", new Dictionary<string, object?> { ["city"] = "Oslo" }),
                                     new FunctionCallContent("c2", "get_weather", new Dictionary<string, object?> { ["city"] = "Bergen" })]),
            new(ChatRole.Tool, [new FunctionResultContent("c1", "rain, 5 C"), new FunctionResultContent("c2", new { sky = "clear", temp = 7 })]),
        ], generator: generator);

        Assert.Equal(
            [
                (SegmentKind.ToolOutput, "rain, 5 C", "c1"),
                (SegmentKind.ToolOutput, "{\"sky\":\"clear\",\"temp\":7}", "c2"),
            ],
            generator.Segments());
        string prompt = generator.PromptText();
        Assert.Contains("<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Oslo\"}}\n</tool_call>", prompt);
        Assert.Contains("<tool_response>\nrain, 5 C\n</tool_response>\n<tool_response>\n{\"sky\":\"clear\",\"temp\":7}\n</tool_response>", prompt);

        // The question that led to the calls is still the (plain) question.
        Assert.DoesNotContain(generator.Segments(), s => s.Text.Contains("Oslo and Bergen", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ExplicitMessageTagWinsOverTheAutomaticKind()
    {
        var generator = await SendAsync(
        [
            new ChatMessage(ChatRole.System, "Policy v3 text").AsSparseXSegment(SegmentKind.Other, "policy-v3"),
            new ChatMessage(ChatRole.User, "Earlier question"),
            new ChatMessage(ChatRole.Assistant, "Earlier answer").AsSparseXSegment(SegmentKind.Document, "answer-as-doc"),
            new ChatMessage(ChatRole.User, "Now?"),
        ]);

        Assert.Equal(
            [
                (SegmentKind.Other, "Policy v3 text", "policy-v3"),
                (SegmentKind.History, "Earlier question", null),
                (SegmentKind.Document, "Earlier answer", "answer-as-doc"),
            ],
            generator.Segments());
    }

    [Fact]
    public async Task ContentTagsSplitOneMessageIntoOneSegmentPerDocument()
    {
        var generator = await SendAsync(
        [
            new(ChatRole.User,
            [
                new TextContent("Doc A: trains run hourly.").AsSparseXSegment(SegmentKind.Document, "a"),
                new DataContent(Encoding.UTF8.GetBytes("Doc B: buses run every 10 minutes."), "text/plain") { Name = "b.txt" },
                new TextContent("Which is more frequent?"),
            ]),
        ]);

        Assert.Equal(
            [
                (SegmentKind.Document, "Doc A: trains run hourly.", "a"),
                (SegmentKind.Document, "Doc B: buses run every 10 minutes.", "b.txt"),
            ],
            generator.Segments());
        Assert.Contains("user\nDoc A: trains run hourly.\n\nDoc B: buses run every 10 minutes.\n\nWhich is more frequent?<|im_end|>", generator.PromptText());
        Assert.Contains(generator.Spans(), s => s.Kind is null && s.Text.StartsWith("\n\nWhich is more frequent?", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DocumentHelperInsertsOneTaggedMessagePerDocumentBeforeTheQuestion()
    {
        List<ChatMessage> messages = [new(ChatRole.System, "Answer from the documents."), new(ChatRole.User, "Who wrote it?")];
        messages.AddSparseXDocuments([new SparseXDocument("The report was written by Ada.", "doc-1"), new SparseXDocument("It was published in 1843.", "doc-2")]);

        Assert.Equal(4, messages.Count);
        Assert.Equal("Who wrote it?", messages[^1].Text);
        Assert.Equal(new SparseXSegmentTag(SegmentKind.Document, "doc-2"), messages[2].GetSparseXSegment());

        var generator = await SendAsync(messages);
        Assert.Equal(
            [
                (SegmentKind.System, "Answer from the documents.", null),
                (SegmentKind.Document, "The report was written by Ada.", "doc-1"),
                (SegmentKind.Document, "It was published in 1843.", "doc-2"),
            ],
            generator.Segments());
        Assert.EndsWith("<|im_start|>user\nWho wrote it?<|im_end|>\n<|im_start|>assistant\n", generator.PromptText());
    }

    [Fact]
    public async Task AgentFrameworkContextProviderMessagesAreDocuments()
    {
        var retrieved = new ChatMessage(ChatRole.User, "Retrieved: the bridge opened in 1932.")
            .WithAgentRequestMessageSource(AgentRequestMessageSourceType.AIContextProvider, "Microsoft.Agents.AI.TextSearchProvider");
        var generator = await SendAsync([new(ChatRole.User, "When did the bridge open?"), retrieved]);

        Assert.Equal([(SegmentKind.Document, "Retrieved: the bridge opened in 1932.", null)], generator.Segments());
    }

    [Fact]
    public async Task ToolsAreRenderedInAStableOrder()
    {
        AIFunction b = AIFunctionFactory.Create((string city) => "sunny", "get_weather", "Weather for a city.");
        AIFunction a = AIFunctionFactory.Create((string city) => 3, "count_trains", "Trains leaving a city.");

        var first = await SendAsync([new(ChatRole.User, "hi")], new ChatOptions { Tools = [b, a] }, new ScriptedGenerator(Templates.Qwen25));
        var second = await SendAsync([new(ChatRole.User, "hi")], new ChatOptions { Tools = [a, b] }, new ScriptedGenerator(Templates.Qwen25));

        string prompt = first.PromptText();
        Assert.Equal(prompt, second.PromptText());
        int countTrains = prompt.IndexOf("\"name\": \"count_trains\"", StringComparison.Ordinal);
        int getWeather = prompt.IndexOf("\"name\": \"get_weather\"", StringComparison.Ordinal);
        Assert.True(countTrains > 0 && getWeather > countTrains, prompt);

        var none = await SendAsync([new(ChatRole.User, "hi")], new ChatOptions { Tools = [a, b], ToolMode = ChatToolMode.None }, new ScriptedGenerator(Templates.Qwen25));
        Assert.DoesNotContain("<tools>", none.PromptText());

        var specific = await SendAsync([new(ChatRole.User, "hi")], new ChatOptions { Tools = [a, b], ToolMode = ChatToolMode.RequireSpecific("get_weather") }, new ScriptedGenerator(Templates.Qwen25));
        Assert.DoesNotContain("count_trains", specific.PromptText());
        Assert.Contains("get_weather", specific.PromptText());
    }

    [Fact]
    public async Task NonTextContentIsRejectedWithAClearMessage()
    {
        using var client = new SparseXChatClient(new ScriptedGenerator());
        var e = await Assert.ThrowsAsync<NotSupportedException>(() => client.GetResponseAsync(
            [new ChatMessage(ChatRole.User, [new TextContent("What is this?"), new DataContent(new byte[] { 1, 2, 3 }, "image/png")])]));
        Assert.Contains("image/png", e.Message);
        Assert.Contains("message 0", e.Message);
    }

    [Fact]
    public void TagsReadBackFromJsonAndIgnoreGarbage()
    {
        var message = new ChatMessage(ChatRole.User, "x") { AdditionalProperties = new() { [SparseXPropertyKeys.SegmentKind] = System.Text.Json.JsonDocument.Parse("\"toolOutput\"").RootElement } };
        Assert.Equal(new SparseXSegmentTag(SegmentKind.ToolOutput), message.GetSparseXSegment());

        message.AdditionalProperties[SparseXPropertyKeys.SegmentKind] = "banana";
        Assert.Null(message.GetSparseXSegment());
        message.AdditionalProperties[SparseXPropertyKeys.SegmentKind] = "3";
        Assert.Null(message.GetSparseXSegment());

        var content = new TextContent("y").AsSparseXSegment(SegmentKind.History, "h1");
        Assert.Equal(new SparseXSegmentTag(SegmentKind.History, "h1"), content.GetSparseXSegment());
        Assert.Equal("History", content.AdditionalProperties![SparseXPropertyKeys.SegmentKind]);
    }
}
