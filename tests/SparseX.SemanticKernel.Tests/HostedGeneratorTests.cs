using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SparseX.Engine.Reuse;
using SparseX.Hosting;

namespace SparseX.SemanticKernel.Tests;

/// <summary>Chat clients over the hosted engine (<c>AddSparseXEngine</c> + <c>AddSparseXHostedGenerator</c>).</summary>
public class HostedGeneratorTests
{
    private static IHost Build()
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSparseXEngine(o =>
        {
            o.ModelPath = FixturePaths.LlamaGqa;
            o.KvCacheBytes = 8L * 1024 * 1024;
            o.SegmentStoreBytes = 8L * 1024 * 1024;
            o.CpuThreads = 1;
        });
        builder.Services.AddSparseXHostedGenerator();
        builder.Services.AddSparseXChatClient(o => o.DefaultMaxOutputTokens = 3);
        return builder.Build();
    }

    [Fact]
    public async Task ChatClientsShareTheHostsEngineAndItsSegments()
    {
        using IHost host = Build();
        await host.StartAsync();
        try
        {
            IChatClient client = host.Services.GetRequiredService<IChatClient>();
            var engine = host.Services.GetRequiredService<ISparseXEngineClient>();
            Assert.Same(engine, client.GetService<ISparseXEngineClient>());
            Assert.Equal("llama-gqa-f32", client.GetService<ChatClientMetadata>()?.DefaultModelId);

            var document = new SparseXDocument("The depot keeps two green trams and a red snow plough that has not left the shed since 1994.", "depot");
            List<ChatMessage> first = [new(ChatRole.System, "Answer from the documents."), new(ChatRole.User, "Which colour is the plough?")];
            first.AddSparseXDocuments([document]);
            List<ChatMessage> second = [new(ChatRole.System, "You answer questions about a museum."), new(ChatRole.User, "How many trams?")];
            second.AddSparseXDocuments([document]);
            var options = new ChatOptions().WithSparseXReuse(ReusePolicy.Default with { Namespace = "hosted-test" });

            ChatResponse a = await client.GetResponseAsync(first, options);
            ChatResponse b = await client.GetResponseAsync(second, options);

            Assert.Equal(3, a.Usage?.OutputTokenCount);
            Assert.True(b.Usage?.CachedInputTokenCount > 0, "the document's KV came from the first request through the host's segment store");
            Assert.Equal(0, engine.Stats!.RunningSequences);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public void WithoutAModelPathTheGeneratorSaysWhichOptionIsMissing()
    {
        var services = new ServiceCollection();
        services.AddSparseXEngine(_ => { });
        services.AddSparseXHostedGenerator();
        using ServiceProvider provider = services.BuildServiceProvider();
        var error = Assert.ThrowsAny<Exception>(() => provider.GetRequiredService<ISparseXGenerator>());
        Assert.Contains("ModelPath", error.ToString(), StringComparison.Ordinal);
    }
}
