using Microsoft.Extensions.AI;
using SparseX.Engine.Reuse;
using SparseX.Engine.Runtime;

namespace SparseX.SemanticKernel.Tests;

public class UsageTests
{
    private static readonly ReuseReport Report = new()
    {
        TotalTokens = 100,
        PrefixHitTokens = 16,
        ReusedTokens = 50,
        RecomputedTokens = 8,
        NewTokens = 34,
        SegmentsHit = 2,
        SegmentsMissed = 1,
        TimeToFirstToken = TimeSpan.FromMilliseconds(12),
    };

    [Fact]
    public async Task ReuseReportMapsToUsageAndTimeToFirstToken()
    {
        var generator = new ScriptedGenerator(new ScriptedReply(["a", "b", "c"], FinishReason.EndOfSequence, Report));
        using var client = new SparseXChatClient(generator);

        ChatResponse response = await client.GetResponseAsync("hi");

        Assert.Equal("abc", response.Text);
        UsageDetails usage = response.Usage!;
        Assert.Equal(100, usage.InputTokenCount);
        Assert.Equal(3, usage.OutputTokenCount);
        Assert.Equal(103, usage.TotalTokenCount);
        Assert.Equal(66, usage.CachedInputTokenCount);
        Assert.Equal(16, usage.AdditionalCounts![SparseXPropertyKeys.PrefixHitTokens]);
        Assert.Equal(50, usage.AdditionalCounts[SparseXPropertyKeys.ReusedTokens]);
        Assert.Equal(8, usage.AdditionalCounts[SparseXPropertyKeys.RecomputedTokens]);
        Assert.Equal(34, usage.AdditionalCounts[SparseXPropertyKeys.NewTokens]);
        Assert.Equal(2, usage.AdditionalCounts[SparseXPropertyKeys.SegmentsHit]);
        Assert.Equal(1, usage.AdditionalCounts[SparseXPropertyKeys.SegmentsMissed]);

        Assert.Equal(TimeSpan.FromMilliseconds(12), response.AdditionalProperties![SparseXPropertyKeys.TimeToFirstToken]);
        Assert.All(response.Messages, m => Assert.False(m.AdditionalProperties?.ContainsKey(SparseXPropertyKeys.TimeToFirstToken) ?? false));
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Equal("scripted-model", response.ModelId);
        Assert.NotNull(response.ResponseId);
        Assert.Null(response.ConversationId);
        ChatMessage message = Assert.Single(response.Messages);
        Assert.Equal(ChatRole.Assistant, message.Role);
        Assert.DoesNotContain(message.Contents, c => c is UsageContent);
    }

    [Fact]
    public async Task TheLastStreamedUpdateCarriesUsageFinishReasonAndReport()
    {
        var generator = new ScriptedGenerator(new ScriptedReply(["a", "b"], FinishReason.StopSequence, Report));
        using var client = new SparseXChatClient(generator);

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hi")]))
        {
            updates.Add(update);
        }

        Assert.Equal(["a", "b", ""], updates.Select(u => u.Text));
        Assert.All(updates[..^1], u => Assert.Null(u.FinishReason));
        ChatResponseUpdate last = updates[^1];
        Assert.Equal(ChatFinishReason.Stop, last.FinishReason);
        Assert.Equal(66, Assert.IsType<UsageContent>(Assert.Single(last.Contents)).Details.CachedInputTokenCount);
        Assert.Same(Report, last.RawRepresentation);
        Assert.Equal(TimeSpan.FromMilliseconds(12), last.AdditionalProperties![SparseXPropertyKeys.TimeToFirstToken]);
    }

    [Theory]
    [InlineData(FinishReason.EndOfSequence, "stop")]
    [InlineData(FinishReason.StopSequence, "stop")]
    [InlineData(FinishReason.MaxTokens, "length")]
    [InlineData(FinishReason.ContextFull, "length")]
    public async Task FinishReasonsMap(FinishReason engine, string expected)
    {
        using var client = new SparseXChatClient(new ScriptedGenerator(new ScriptedReply(["x"], engine)));
        ChatResponse response = await client.GetResponseAsync("hi");
        Assert.Equal(new ChatFinishReason(expected), response.FinishReason);
    }
}
