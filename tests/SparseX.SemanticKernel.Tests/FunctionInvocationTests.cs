using Microsoft.Extensions.AI;
using SparseX.Engine.Reuse;

namespace SparseX.SemanticKernel.Tests;

public class FunctionInvocationTests
{
    private const string WeatherCall = "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Oslo\"}}\n</tool_call>";

    [Fact]
    public async Task UseFunctionInvocationRunsTheToolAndResendsTheHistory()
    {
        var generator = new ScriptedGenerator(Templates.Qwen25, new ScriptedReply(["<tool", "_call>\n{\"name\": \"get_", "weather\", \"arguments\": {\"city\": \"Oslo\"}}\n</tool_", "call>"]), "It is raining in Oslo.");
        var cities = new List<string>();
        AIFunction tool = AIFunctionFactory.Create((string city) => { cities.Add(city); return "rain, 5 C"; }, "get_weather", "Current weather for a city.");
        using IChatClient client = new SparseXChatClient(generator).AsBuilder().UseFunctionInvocation().Build();

        ChatResponse response = await client.GetResponseAsync("Weather in Oslo?", new ChatOptions { Tools = [tool] });

        Assert.Equal("It is raining in Oslo.", response.Text);
        Assert.Equal(["Oslo"], cities);
        Assert.Equal(2, generator.Requests.Count);
        Assert.Null(response.ConversationId);

        FunctionCallContent call = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        Assert.Equal((SegmentKind.ToolOutput, "rain, 5 C", call.CallId), Assert.Single(generator.Segments()));
        string second = generator.PromptText();
        Assert.Contains("<|im_start|>assistant\n" + WeatherCall + "<|im_end|>\n<|im_start|>user\n<tool_response>\nrain, 5 C\n</tool_response><|im_end|>\n<|im_start|>assistant\n", second);

        // The first request's prompt is the exact prefix of the second (so the prefix cache serves it).
        Assert.StartsWith(generator.PromptText(0), second);
    }

    [Fact]
    public async Task StreamingUnderUseFunctionInvocationEndsWithTheAnswer()
    {
        var generator = new ScriptedGenerator(Templates.Qwen25, WeatherCall, new ScriptedReply(["It is ", "raining."]));
        AIFunction tool = AIFunctionFactory.Create((string city) => "rain", "get_weather");
        using IChatClient client = new SparseXChatClient(generator).AsBuilder().UseFunctionInvocation().Build();

        var text = new List<string>();
        await foreach (var update in client.GetStreamingResponseAsync("Weather in Oslo?", new ChatOptions { Tools = [tool] }))
        {
            text.Add(update.Text);
        }

        Assert.Equal("It is raining.", string.Concat(text));
        Assert.Equal(2, generator.Requests.Count);
    }

    [Fact]
    public async Task MalformedCallIsReportedBackToTheModelWithoutInvokingTheTool()
    {
        var generator = new ScriptedGenerator(Templates.Qwen25, "<tool_call>{\"name\": \"get_weather\", \"arguments\": {\"city\": </tool_call>", "Sorry.");
        int invoked = 0;
        AIFunction tool = AIFunctionFactory.Create((string city) => { invoked++; return "rain"; }, "get_weather");
        using IChatClient client = new SparseXChatClient(generator).AsBuilder().UseFunctionInvocation(configure: f => f.IncludeDetailedErrors = true).Build();

        ChatResponse response = await client.GetResponseAsync("Weather?", new ChatOptions { Tools = [tool] });

        Assert.Equal("Sorry.", response.Text);
        Assert.Equal(0, invoked);
        var (kind, text, _) = Assert.Single(generator.Segments());
        Assert.Equal(SegmentKind.ToolOutput, kind);
        Assert.Contains("rror", text);
    }
}
