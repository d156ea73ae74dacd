using System.Text.Json;
using Microsoft.Extensions.AI;
using SparseX.Engine.Reuse;
using SparseX.Engine.Runtime;

namespace SparseX.SemanticKernel.Tests;

public class OptionMappingTests
{
    [Fact]
    public async Task ChatOptionsMapToGenerationOptions()
    {
        var generator = new ScriptedGenerator();
        using var client = new SparseXChatClient(generator);
        await client.GetResponseAsync("hi", new ChatOptions
        {
            Temperature = 0.7f,
            TopP = 0.9f,
            TopK = 40,
            Seed = 42,
            MaxOutputTokens = 17,
            StopSequences = ["END", "\n\n"],
        });

        GenerationOptions o = generator.LastRequest.Options;
        Assert.Equal(0.7f, o.Temperature);
        Assert.Equal(0.9f, o.TopP);
        Assert.Equal(40, o.TopK);
        Assert.Equal(42, o.Seed);
        Assert.Equal(17, o.MaxNewTokens);
        Assert.Equal(["END", "\n\n"], o.StopSequences);
        Assert.False(o.IgnoreEos);
    }

    [Fact]
    public async Task UnsetOptionsKeepEngineDefaultsAndClientDefaultMaxTokens()
    {
        var generator = new ScriptedGenerator();
        using var client = new SparseXChatClient(generator, new SparseXChatClientOptions { DefaultMaxOutputTokens = 9 });
        await client.GetResponseAsync("hi");

        var defaults = new GenerationOptions();
        GenerationOptions o = generator.LastRequest.Options;
        Assert.Equal(defaults.Temperature, o.Temperature);
        Assert.Equal(defaults.TopP, o.TopP);
        Assert.Null(o.Seed);
        Assert.Equal(9, o.MaxNewTokens);
        Assert.Empty(o.StopSequences);
        Assert.Null(generator.LastRequest.Reuse);
    }

    [Fact]
    public async Task SeedOutsideIntRangeIsFoldedDeterministically()
    {
        var generator = new ScriptedGenerator();
        using var client = new SparseXChatClient(generator);
        await client.GetResponseAsync("hi", new ChatOptions { Seed = 1L << 40 });
        int? first = generator.LastRequest.Options.Seed;
        await client.GetResponseAsync("hi", new ChatOptions { Seed = 1L << 40 });
        Assert.NotNull(first);
        Assert.Equal(first, generator.LastRequest.Options.Seed);
        await client.GetResponseAsync("hi", new ChatOptions { Seed = (1L << 40) + 1 });
        Assert.NotEqual(first, generator.LastRequest.Options.Seed);
    }

    [Fact]
    public async Task RawGenerationOptionsWinOverChatOptions()
    {
        var generator = new ScriptedGenerator();
        using var client = new SparseXChatClient(generator);
        await client.GetResponseAsync("hi", new ChatOptions
        {
            Temperature = 0.2f,
            TopK = 5,
            RawRepresentationFactory = _ => new GenerationOptions { Temperature = 1.3f, IgnoreEos = true, StopTokenIds = [7] },
        });

        GenerationOptions o = generator.LastRequest.Options;
        Assert.Equal(1.3f, o.Temperature);
        Assert.Equal(5, o.TopK);
        Assert.True(o.IgnoreEos);
        Assert.Equal([7], o.StopTokenIds);
    }

    [Fact]
    public async Task JsonResponseFormatIsRejectedWithAClearMessage()
    {
        using var client = new SparseXChatClient(new ScriptedGenerator());
        var e = await Assert.ThrowsAsync<NotSupportedException>(() => client.GetResponseAsync("hi", new ChatOptions { ResponseFormat = ChatResponseFormat.Json }));
        Assert.Contains("ResponseFormat", e.Message);
        Assert.Throws<NotSupportedException>(() => client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hi")], new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema<int>() }));
        await client.GetResponseAsync("hi", new ChatOptions { ResponseFormat = ChatResponseFormat.Text });
    }

    [Fact]
    public async Task InstructionsBecomeTheFirstSystemSegment()
    {
        var generator = new ScriptedGenerator();
        using var client = new SparseXChatClient(generator);
        await client.GetResponseAsync("What is SparseX?", new ChatOptions { Instructions = "You are terse." });

        Assert.StartsWith("<|im_start|>system\nYou are terse.<|im_end|>\n<|im_start|>user\nWhat is SparseX?", generator.PromptText());
        var segment = Assert.Single(generator.Segments());
        Assert.Equal((SegmentKind.System, "You are terse.", "instructions"), segment);
    }

    [Fact]
    public async Task ReusePolicyTravelsThroughChatOptions()
    {
        var generator = new ScriptedGenerator();
        using var client = new SparseXChatClient(generator, new SparseXChatClientOptions { DefaultReuse = ReusePolicy.Default with { Namespace = "client" } });
        var policy = new ReusePolicy { Budget = 0.3, FullLayers = 1, Selector = SelectorKind.KvDeviation, Namespace = "tenant-a", BoundaryTokens = 2 };

        var options = new ChatOptions().WithSparseXReuse(policy);
        Assert.Equal(policy, options.GetSparseXReuse());
        Assert.Equal(policy, options.Clone().GetSparseXReuse());

        // A look-ahead layer travels too, and a later policy without one takes it away again.
        var lookAhead = policy with { Selector = SelectorKind.SparseQ, SelectionLayer = 3 };
        Assert.Equal(lookAhead, new ChatOptions().WithSparseXReuse(lookAhead).GetSparseXReuse());
        Assert.Null(new ChatOptions().WithSparseXReuse(lookAhead).WithSparseXReuse(policy).GetSparseXReuse()!.SelectionLayer);

        await client.GetResponseAsync("hi", options);
        Assert.Equal(policy, generator.LastRequest.Reuse);

        await client.GetResponseAsync("hi");
        Assert.Equal("client", generator.LastRequest.Reuse!.Namespace);
    }

    [Fact]
    public void ReusePolicyReadsJsonValuesAndFillsMissingKeysFromDefaults()
    {
        // As Semantic Kernel's ExtensionData delivers them after a JSON round trip.
        var options = new ChatOptions
        {
            AdditionalProperties = new()
            {
                [SparseXPropertyKeys.ReuseBudget] = JsonDocument.Parse("0.25").RootElement,
                [SparseXPropertyKeys.ReuseSelector] = JsonDocument.Parse("\"sparseqdeviation\"").RootElement,
                [SparseXPropertyKeys.ReuseFullLayers] = "3",
            },
        };

        ReusePolicy policy = options.GetSparseXReuse()!;
        Assert.Equal(0.25, policy.Budget);
        Assert.Equal(SelectorKind.SparseQDeviation, policy.Selector);
        Assert.Equal(3, policy.FullLayers);
        Assert.Equal(ReusePolicy.Default.Namespace, policy.Namespace);
        Assert.Null(new ChatOptions().GetSparseXReuse());
        Assert.Null(((ChatOptions?)null).GetSparseXReuse());

        options.AdditionalProperties[SparseXPropertyKeys.ReuseMode] = "Sometimes";
        var e = Assert.Throws<ArgumentException>(() => options.GetSparseXReuse());
        Assert.Contains(SparseXPropertyKeys.ReuseMode, e.Message);
    }

    [Fact]
    public void OutOfRangeOptionsFailWhenTheRequestIsMade()
    {
        using var client = new SparseXChatClient(new ScriptedGenerator());
        var e = Assert.Throws<ArgumentException>(() => client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hi")], new ChatOptions { TopP = 0 }));
        Assert.Contains("TopP", e.Message);
    }
}
