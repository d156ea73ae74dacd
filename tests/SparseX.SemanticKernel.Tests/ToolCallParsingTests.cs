using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;
using SparseX.SemanticKernel.ToolCalls;

namespace SparseX.SemanticKernel.Tests;

public class ToolCallParsingTests
{
    private static List<AIContent> Run(ToolCallParser parser, IEnumerable<string> chunks)
    {
        var output = new List<AIContent>();
        foreach (string chunk in chunks)
        {
            parser.Push(chunk, output);
        }

        parser.Flush(output);
        return output;
    }

    // Runs the reply whole and character by character; both must give the same text and calls.
    private static (string Text, List<FunctionCallContent> Calls) Parse(SparseXToolCallFormat format, string reply)
    {
        var whole = Run(Create(format), [reply]);
        var split = Run(Create(format), reply.Select(c => c.ToString()));
        string text = string.Concat(whole.OfType<TextContent>().Select(t => t.Text));
        Assert.Equal(text, string.Concat(split.OfType<TextContent>().Select(t => t.Text)));
        var calls = whole.OfType<FunctionCallContent>().ToList();
        Assert.Equal(calls.Select(c => (c.Name, Args(c))), split.OfType<FunctionCallContent>().Select(c => (c.Name, Args(c))));
        Assert.All(calls, c => Assert.Matches("^[A-Za-z0-9]{9}$", c.CallId));
        Assert.Equal(calls.Count, calls.Select(c => c.CallId).Distinct().Count());
        return (text, calls);
    }

    private static ToolCallParser Create(SparseXToolCallFormat format) => format switch
    {
        SparseXToolCallFormat.Hermes => new HermesToolCallParser(),
        SparseXToolCallFormat.Llama3Json => new Llama3JsonToolCallParser(),
        SparseXToolCallFormat.Mistral => new MistralToolCallParser(),
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    private static string Args(FunctionCallContent call) =>
        call.Arguments is null ? "<null>" : string.Join(",", call.Arguments.OrderBy(a => a.Key).Select(a => $"{a.Key}={a.Value}"));

    [Fact]
    public void HermesCallsAfterTextAreParsedAndTheTagsDropped()
    {
        var (text, calls) = Parse(SparseXToolCallFormat.Hermes,
            "Let me check.\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Oslo\", \"days\": 2}}\n</tool_call>\n" +
            "<tool_call>\n{\"name\": \"get_time\", \"arguments\": {}}\n</tool_call>");

        Assert.Equal("Let me check.", text);
        Assert.Equal(["get_weather", "get_time"], calls.Select(c => c.Name));
        Assert.Equal("city=Oslo,days=2", Args(calls[0]));
        Assert.Empty(calls[1].Arguments!);
        Assert.All(calls, c => Assert.Null(c.Exception));
    }

    [Fact]
    public void HermesArgumentsGivenAsAJsonStringAreDecoded()
    {
        var (_, calls) = Parse(SparseXToolCallFormat.Hermes, "<tool_call>{\"name\": \"f\", \"arguments\": \"{\\\"x\\\": 1}\"}</tool_call>");
        Assert.Equal("x=1", Args(Assert.Single(calls)));
    }

    [Fact]
    public void HermesMalformedJsonBecomesACallWithAnException()
    {
        var (text, calls) = Parse(SparseXToolCallFormat.Hermes, "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Oslo\"\n</tool_call>");

        Assert.Equal(string.Empty, text);
        FunctionCallContent call = Assert.Single(calls);
        Assert.Equal("get_weather", call.Name);
        Assert.NotNull(call.Exception);
        Assert.Null(call.Arguments);
    }

    [Fact]
    public void HermesUnterminatedCallAtTheEndIsStillACall()
    {
        var (_, calls) = Parse(SparseXToolCallFormat.Hermes, "<tool_call>\n{\"name\": \"get_time\", \"arguments\": {\"zone\": \"UTC\"}}\n");
        Assert.Equal("zone=UTC", Args(Assert.Single(calls)));
    }

    [Fact]
    public void HermesTextThatMerelyLooksLikeATagStartIsKept()
    {
        var (text, calls) = Parse(SparseXToolCallFormat.Hermes, "if a < b then <b>bold</b> and <tool");
        Assert.Empty(calls);
        Assert.Equal("if a < b then <b>bold</b> and <tool", text);
    }

    [Fact]
    public void Llama3JsonCallsWithParametersAreParsed()
    {
        var (text, calls) = Parse(SparseXToolCallFormat.Llama3Json, "{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Oslo\"}}");
        Assert.Equal(string.Empty, text);
        Assert.Equal("city=Oslo", Args(Assert.Single(calls)));

        (_, calls) = Parse(SparseXToolCallFormat.Llama3Json, "<|python_tag|>{\"name\": \"a\", \"parameters\": {}}; {\"name\": \"b\", \"parameters\": {\"n\": 1}}");
        Assert.Equal(["a", "b"], calls.Select(c => c.Name));
        Assert.Equal("n=1", Args(calls[1]));
    }

    [Fact]
    public void Llama3PlainTextAndNonCallJsonStayText()
    {
        Assert.Equal(("Hello there.", 0), Count(Parse(SparseXToolCallFormat.Llama3Json, "Hello there.")));
        Assert.Equal(("{\"answer\": 42}", 0), Count(Parse(SparseXToolCallFormat.Llama3Json, "{\"answer\": 42}")));
        Assert.Equal(("  {\"a\": [1, 2]} trailing", 0), Count(Parse(SparseXToolCallFormat.Llama3Json, "  {\"a\": [1, 2]} trailing")));

        static (string, int) Count((string Text, List<FunctionCallContent> Calls) r) => (r.Text, r.Calls.Count);
    }

    [Fact]
    public void Llama3MalformedCallBecomesACallWithAnException()
    {
        var (text, calls) = Parse(SparseXToolCallFormat.Llama3Json, "{\"name\": \"get_weather\", \"parameters\": {\"city\": }}");
        Assert.Equal(string.Empty, text);
        FunctionCallContent call = Assert.Single(calls);
        Assert.Equal("get_weather", call.Name);
        Assert.NotNull(call.Exception);
    }

    [Fact]
    public void MistralArraysAndNamedArgsAreParsed()
    {
        var (text, calls) = Parse(SparseXToolCallFormat.Mistral,
            "Sure. [TOOL_CALLS][{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Oslo\"}}, {\"name\": \"get_time\", \"arguments\": {}}]");
        Assert.Equal("Sure.", text);
        Assert.Equal(["get_weather", "get_time"], calls.Select(c => c.Name));
        Assert.Equal("city=Oslo", Args(calls[0]));

        (text, calls) = Parse(SparseXToolCallFormat.Mistral, "[TOOL_CALLS]get_weather[ARGS]{\"city\": \"Bergen\"}");
        Assert.Equal(string.Empty, text);
        Assert.Equal(("get_weather", "city=Bergen"), (Assert.Single(calls).Name, Args(calls[0])));
    }

    [Fact]
    public void MistralMalformedArrayBecomesACallWithAnException()
    {
        var (text, calls) = Parse(SparseXToolCallFormat.Mistral, "[TOOL_CALLS][{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Oslo\"]");
        Assert.Equal(string.Empty, text);
        FunctionCallContent call = Assert.Single(calls);
        Assert.Equal("get_weather", call.Name);
        Assert.NotNull(call.Exception);
    }

    [Fact]
    public void FormatIsDetectedFromTheTemplate()
    {
        Assert.Equal(SparseXToolCallFormat.Hermes, ToolCallParser.Detect(Templates.Qwen25.Source));
        Assert.Equal(SparseXToolCallFormat.Llama3Json, ToolCallParser.Detect(Templates.Llama31.Source));
        Assert.Equal(SparseXToolCallFormat.Mistral, ToolCallParser.Detect(Templates.Mistral.Source));
        Assert.Equal(SparseXToolCallFormat.Hermes, ToolCallParser.Detect(Templates.ChatMl.Source));
        Assert.Null(ToolCallParser.Create(SparseXToolCallFormat.None, Templates.Qwen25));
    }

    [Theory]
    [InlineData("qwen", "Checking.\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Oslo\"}}\n</tool_call>")]
    [InlineData("llama", "{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Oslo\"}}")]
    [InlineData("mistral", "Checking. [TOOL_CALLS][{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Oslo\"}}]")]
    public async Task StreamingNeverLeaksToolCallMarkup(string family, string reply)
    {
        var template = family switch { "qwen" => Templates.Qwen25, "llama" => Templates.Llama31, _ => Templates.Mistral };
        var generator = new ScriptedGenerator(template, new ScriptedReply(Regex.Split(reply, "(?<=.)(?=.)", RegexOptions.Singleline)));
        using var client = new SparseXChatClient(generator);
        var options = new ChatOptions { Tools = [AIFunctionFactory.Create((string city) => "rain", "get_weather")] };

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Weather in Oslo?")], options))
        {
            updates.Add(update);
        }

        string text = string.Concat(updates.Select(u => u.Text));
        Assert.DoesNotContain("tool_call", text);
        Assert.DoesNotContain("TOOL_CALLS", text);
        Assert.DoesNotContain("{", text);
        Assert.Equal(family == "llama" ? string.Empty : "Checking.", text);
        FunctionCallContent call = Assert.Single(updates.SelectMany(u => u.Contents).OfType<FunctionCallContent>());
        Assert.Equal(("get_weather", "city=Oslo"), (call.Name, Args(call)));
        Assert.Equal(ChatFinishReason.ToolCalls, updates[^1].FinishReason);
        Assert.All(updates, u => Assert.Equal(updates[0].MessageId, u.MessageId));
        Assert.All(updates, u => Assert.Equal(ChatRole.Assistant, u.Role));
    }

    [Fact]
    public async Task WithoutToolsTheReplyIsPlainTextEvenIfItLooksLikeACall()
    {
        var generator = new ScriptedGenerator(Templates.Qwen25, "<tool_call>{\"name\": \"x\", \"arguments\": {}}</tool_call>");
        using var client = new SparseXChatClient(generator);
        ChatResponse response = await client.GetResponseAsync("hi");
        Assert.Equal("<tool_call>{\"name\": \"x\", \"arguments\": {}}</tool_call>", response.Text);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
    }

    [Fact]
    public async Task AllowMultipleToolCallsFalseKeepsTheFirstCall()
    {
        var generator = new ScriptedGenerator(Templates.Qwen25,
            "<tool_call>{\"name\": \"a\", \"arguments\": {}}</tool_call><tool_call>{\"name\": \"b\", \"arguments\": {}}</tool_call>");
        using var client = new SparseXChatClient(generator);
        ChatResponse response = await client.GetResponseAsync("hi", new ChatOptions
        {
            Tools = [AIFunctionFactory.Create(() => 1, "a"), AIFunctionFactory.Create(() => 2, "b")],
            AllowMultipleToolCalls = false,
        });
        Assert.Equal("a", Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>()).Name);
    }
}
