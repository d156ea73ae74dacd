using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using SparseX.Engine.Reuse;

namespace SparseX.SemanticKernel.Tests;

public class RegistrationTests
{
    [Fact]
    public async Task AddSparseXChatClientReturnsTheBuilderForMiddleware()
    {
        var generator = new ScriptedGenerator("answer");
        var services = new ServiceCollection();
        services.AddSingleton<ISparseXGenerator>(generator);
        services.AddSparseXChatClient(o => o.DefaultMaxOutputTokens = 5).UseFunctionInvocation();
        using ServiceProvider provider = services.BuildServiceProvider();

        IChatClient client = provider.GetRequiredService<IChatClient>();
        Assert.IsType<FunctionInvokingChatClient>(client);
        Assert.NotNull(client.GetService<SparseXChatClient>());
        Assert.Equal("answer", (await client.GetResponseAsync("q")).Text);
        Assert.Equal(5, generator.LastRequest.Options.MaxNewTokens);
    }

    [Fact]
    public async Task KeyedRegistrationUsesTheKeyedGenerator()
    {
        var unkeyed = new ScriptedGenerator("unkeyed");
        var keyed = new ScriptedGenerator("keyed");
        var services = new ServiceCollection();
        services.AddSingleton<ISparseXGenerator>(unkeyed);
        services.AddKeyedSingleton<ISparseXGenerator>("fast", keyed);
        services.AddKeyedSparseXChatClient("fast");
        services.AddSparseXChatClient(unkeyed);
        using ServiceProvider provider = services.BuildServiceProvider();

        Assert.Equal("keyed", (await provider.GetRequiredKeyedService<IChatClient>("fast").GetResponseAsync("q")).Text);
        Assert.Equal("unkeyed", (await provider.GetRequiredService<IChatClient>().GetResponseAsync("q")).Text);
    }

    [Fact]
    public async Task KernelInvokesAPromptThroughTheConnector()
    {
        var generator = new ScriptedGenerator("Paris.");
        Kernel kernel = Kernel.CreateBuilder().AddSparseXChatClient(generator).Build();

        FunctionResult result = await kernel.InvokePromptAsync("What is the capital of France?");

        Assert.Equal("Paris.", result.ToString());
        Assert.Contains("<|im_start|>user\nWhat is the capital of France?<|im_end|>", generator.PromptText());
    }

    [Fact]
    public async Task KernelFunctionsAreCalledAsTools()
    {
        var generator = new ScriptedGenerator(Templates.Qwen25);
        generator.Responder = request =>
        {
            string prompt = string.Concat(request.Spans!.Select(s => s.Text));
            if (prompt.Contains("<tool_response>", StringComparison.Ordinal))
            {
                return "It rains in Oslo.";
            }

            string name = Regex.Match(prompt, "\"name\": \"([^\"]*GetWeather)\"").Groups[1].Value;
            return $"<tool_call>\n{{\"name\": \"{name}\", \"arguments\": {{\"city\": \"Oslo\"}}}}\n</tool_call>";
        };
        var cities = new List<string>();
        IKernelBuilder builder = Kernel.CreateBuilder().AddSparseXChatClient(generator);
        builder.Plugins.AddFromFunctions("Weather", [KernelFunctionFactory.CreateFromMethod((string city) => { cities.Add(city); return "rain"; }, "GetWeather", "Weather for a city.")]);
        Kernel kernel = builder.Build();

        FunctionResult result = await kernel.InvokePromptAsync(
            "Weather in Oslo?", new KernelArguments(new PromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto() }));

        Assert.Equal("It rains in Oslo.", result.ToString());
        Assert.Equal(["Oslo"], cities);
        Assert.Equal((SegmentKind.ToolOutput, "rain"), Assert.Single(generator.Segments()) is var s ? (s.Kind, s.Text) : default);
    }

    [Fact]
    public async Task ChatCompletionServiceCarriesSegmentTagsFromMetadata()
    {
        var generator = new ScriptedGenerator("From the document: 42.");
        Kernel kernel = Kernel.CreateBuilder().AddSparseXChatCompletion(generator).Build();
        var chat = kernel.GetRequiredService<IChatCompletionService>();

        var history = new ChatHistory("You answer from documents.");
        history.Add(new ChatMessageContent(AuthorRole.User, "The answer is 42.")
        {
            Metadata = new Dictionary<string, object?> { [SparseXPropertyKeys.SegmentKind] = "Document", [SparseXPropertyKeys.SegmentId] = "doc-42" },
        });
        history.AddUserMessage("What is the answer?");

        ChatMessageContent reply = await chat.GetChatMessageContentAsync(history, kernel: kernel);

        Assert.Equal("From the document: 42.", reply.Content);
        Assert.Equal(
            [(SegmentKind.System, "You answer from documents.", null), (SegmentKind.Document, "The answer is 42.", "doc-42")],
            generator.Segments());
        Assert.EndsWith("<|im_start|>user\nWhat is the answer?<|im_end|>\n<|im_start|>assistant\n", generator.PromptText());
    }
}
