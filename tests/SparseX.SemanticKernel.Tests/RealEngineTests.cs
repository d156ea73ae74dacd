using Microsoft.Extensions.AI;
using SparseX.Engine.Reuse;
using SparseX.Engine.Runtime;

namespace SparseX.SemanticKernel.Tests;

/// <summary>End to end on the real engine (tiny random llama, ChatML template): plumbing, not model quality.</summary>
public class RealEngineTests : IClassFixture<RealEngineFixture>
{
    private const string System = "You are the archive assistant of the northern railway museum. Answer questions about the collection, " +
        "the opening hours and the history of the line, and say so plainly when the documents do not contain the answer.";

    private static readonly SparseXDocument Locomotives = new(
        "The museum holds eleven steam locomotives, the oldest built in 1861 for the coastal line, and four diesel shunters " +
        "that worked the harbour sidings until the yard closed in 1987.", "locomotives");

    private static readonly SparseXDocument Hours = new(
        "From May to September the halls open daily from ten to five; in winter they open on weekends only, and the " +
        "workshop tours run on the first Saturday of every month.", "hours");

    private readonly SparseXEngineGenerator _generator;

    public RealEngineTests(RealEngineFixture fixture) => _generator = fixture.Generator;

    private static ChatOptions Options() => new ChatOptions { MaxOutputTokens = 4 }
        .WithSparseXReuse(ReusePolicy.Default with { Namespace = Guid.NewGuid().ToString("N") });

    private static List<ChatMessage> Conversation(string question, params SparseXDocument[] documents)
    {
        List<ChatMessage> messages = [new(ChatRole.System, System), new(ChatRole.User, question)];
        messages.AddSparseXDocuments(documents);
        return messages;
    }

    [Fact]
    public async Task TheSameConversationSentTwiceReusesItsSegments()
    {
        using var client = new SparseXChatClient(_generator);
        ChatOptions options = Options();
        var messages = Conversation("How many steam locomotives are there?", Locomotives, Hours);

        ChatResponse first = await client.GetResponseAsync(messages, options);
        ChatResponse second = await client.GetResponseAsync(messages, options);

        Assert.Equal(0, first.Usage!.CachedInputTokenCount);
        Assert.Equal(first.Usage.InputTokenCount, second.Usage!.InputTokenCount);
        Assert.True(second.Usage.CachedInputTokenCount > 0, $"cached {second.Usage.CachedInputTokenCount}");
        Assert.True(second.Usage.CachedInputTokenCount <= second.Usage.InputTokenCount);
        Assert.InRange(second.Usage.OutputTokenCount!.Value, 0, 4);
        Assert.IsType<TimeSpan>(second.AdditionalProperties![SparseXPropertyKeys.TimeToFirstToken]);
    }

    [Fact]
    public async Task DocumentsInAnotherOrderAreReusedFromTheSegmentStore()
    {
        using var client = new SparseXChatClient(_generator);
        ChatOptions options = Options();

        ChatResponse first = await client.GetResponseAsync(Conversation("How many steam locomotives are there?", Locomotives, Hours), options);
        ChatResponse second = await client.GetResponseAsync(Conversation("When are the halls open?", Hours, Locomotives), options);

        Assert.Equal(0, first.Usage!.AdditionalCounts![SparseXPropertyKeys.SegmentsHit]);
        IDictionary<string, long> counts = second.Usage!.AdditionalCounts!;
        Assert.True(counts[SparseXPropertyKeys.SegmentsHit] >= 2, $"segments hit {counts[SparseXPropertyKeys.SegmentsHit]}");
        Assert.True(counts[SparseXPropertyKeys.ReusedTokens] > 0);
        Assert.True(second.Usage.CachedInputTokenCount >= counts[SparseXPropertyKeys.ReusedTokens]);
    }

    [Fact]
    public async Task StreamingOverTheEngineCountsThePromptTokensAndExposesTheEngine()
    {
        var recorder = new RecordingGenerator(_generator);
        using var client = new SparseXChatClient(recorder);
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync(Conversation("Hello?", Hours), Options()))
        {
            updates.Add(update);
        }

        ChatResponse response = updates.ToChatResponse();
        GenerationRequest request = Assert.Single(recorder.Requests);
        Assert.Equal([SegmentKind.System, SegmentKind.Document], request.Spans!.Where(s => s.IsSegment).Select(s => s.Kind!.Value));
        int promptTokens = _generator.Engine.BuildLayout(request, "check").TokenIds.Length;
        Assert.Equal(promptTokens, response.Usage!.InputTokenCount);
        Assert.NotNull(response.FinishReason);
        Assert.Equal("llama-gqa-f32", client.GetService<ChatClientMetadata>()!.DefaultModelId);
        Assert.Same(_generator.Engine, client.GetService<SparseXEngine>());
    }

    [Fact]
    public async Task OversizePromptFailsWithTheEnginesContextMessage()
    {
        using var client = new SparseXChatClient(_generator);
        string huge = string.Join(" ", Enumerable.Repeat("locomotive", 5000));
        var e = await Assert.ThrowsAsync<ArgumentException>(() => client.GetResponseAsync([new ChatMessage(ChatRole.User, huge)], Options()));
        Assert.Contains("context", e.Message);
    }
}
