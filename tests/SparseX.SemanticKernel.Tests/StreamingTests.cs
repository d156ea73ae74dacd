using Microsoft.Extensions.AI;

namespace SparseX.SemanticKernel.Tests;

public class StreamingTests
{
    [Fact]
    public async Task CancellationMidStreamStopsTheStream()
    {
        var generator = new ScriptedGenerator(new ScriptedReply(Enumerable.Range(0, 50).Select(i => $"t{i} ").ToList())) { ChunkDelay = TimeSpan.FromMilliseconds(20) };
        using var client = new SparseXChatClient(generator);
        using var cts = new CancellationTokenSource();

        int received = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "count")], cancellationToken: cts.Token))
            {
                if (++received == 2)
                {
                    cts.Cancel();
                }
            }
        });

        Assert.Equal(2, received);
    }

    [Fact]
    public async Task UpdatesShareIdsAndTheResponseCoalescesIntoOneAssistantMessage()
    {
        using var client = new SparseXChatClient(new ScriptedGenerator(new ScriptedReply(["Hel", "lo", " world"])));
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hi")]))
        {
            updates.Add(update);
        }

        Assert.Single(updates.Select(u => u.ResponseId).Distinct());
        Assert.Single(updates.Select(u => u.MessageId).Distinct());
        Assert.All(updates, u => Assert.Equal("scripted-model", u.ModelId));
        Assert.All(updates, u => Assert.Null(u.ConversationId));

        ChatResponse response = updates.ToChatResponse();
        Assert.Equal("Hello world", Assert.Single(response.Messages).Text);
    }
}
