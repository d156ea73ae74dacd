using Microsoft.Extensions.AI;
using SparseX.Engine.Text.Templates;

namespace SparseX.SemanticKernel.Tests;

public class GetServiceTests
{
    [Fact]
    public void GetServiceFollowsTheChatClientRules()
    {
        var generator = new ScriptedGenerator();
        using var client = new SparseXChatClient(generator);

        ChatClientMetadata metadata = client.GetService<ChatClientMetadata>()!;
        Assert.Equal("sparsex", metadata.ProviderName);
        Assert.Equal("scripted-model", metadata.DefaultModelId);
        Assert.Same(client, client.GetService<IChatClient>());
        Assert.Same(client, client.GetService<SparseXChatClient>());
        Assert.Same(generator, client.GetService<ISparseXGenerator>());
        Assert.Same(generator, client.GetService<ScriptedGenerator>());
        Assert.Same(generator.ChatTemplate, client.GetService<ChatTemplate>());
        Assert.Null(client.GetService<ChatClientMetadata>("key"));
        Assert.Null(client.GetService<ISparseXGenerator>("key"));
        Assert.Null(client.GetService<string>());
        Assert.Throws<ArgumentNullException>(() => client.GetService(null!));
    }

    [Fact]
    public void MiddlewareForwardsGetServiceToTheClient()
    {
        var generator = new ScriptedGenerator();
        using IChatClient pipeline = new SparseXChatClient(generator).AsBuilder().UseFunctionInvocation().Build();
        Assert.Equal("sparsex", pipeline.GetService<ChatClientMetadata>()!.ProviderName);
        Assert.Same(generator, pipeline.GetService<ISparseXGenerator>());
    }

    [Fact]
    public async Task ConstructorAndCallsCheckArguments()
    {
        Assert.Throws<ArgumentNullException>(() => new SparseXChatClient(null!));
        using var client = new SparseXChatClient(new ScriptedGenerator());
        Assert.Throws<ArgumentNullException>(() => client.GetStreamingResponseAsync(null!));
        await Assert.ThrowsAsync<ArgumentNullException>(() => client.GetResponseAsync((IEnumerable<ChatMessage>)null!));
    }
}
