using Microsoft.Extensions.Hosting;
using SparseX.Engine.Reuse;
using SparseX.Engine.Runtime;

namespace SparseX.Hosting.Tests;

public class ConcurrencyTests
{
    [Fact]
    public async Task SixtyFourConcurrentStreamingRequestsWithSharedSegmentsEachEqualTheSameRequestRunAlone()
    {
        using IHost host = await TestHosts.StartAsync();
        ISparseXEngineClient client = host.Client();
        PromptSpan system = PromptSpan.Segment(SegmentKind.System, TestHosts.Tokens(21, 32), "system");
        PromptSpan docA = PromptSpan.Segment(SegmentKind.Document, TestHosts.Tokens(22, 48), "doc-a");
        PromptSpan docB = PromptSpan.Segment(SegmentKind.Document, TestHosts.Tokens(23, 40), "doc-b");
        GenerationRequest[] kinds =
        {
            TestHosts.Greedy(new[] { system, docA, docB, PromptSpan.Plain(TestHosts.Tokens(24, 8)) }, 8),
            TestHosts.Greedy(new[] { system, docB, docA, PromptSpan.Plain(TestHosts.Tokens(25, 8)) }, 8),
            TestHosts.Greedy(new[] { docA, system, PromptSpan.Plain(TestHosts.Tokens(26, 12)) }, 8),
            TestHosts.Greedy(new[] { PromptSpan.Plain(TestHosts.Tokens(27, 5)), docB, PromptSpan.Plain(TestHosts.Tokens(28, 6)) }, 8),
        };

        // Warm the caches once, then take each request's answer run alone as the oracle.
        foreach (GenerationRequest request in kinds)
        {
            await client.GenerateTextAsync(request);
        }

        var alone = new List<GenerationResult>();
        foreach (GenerationRequest request in kinds)
        {
            alone.Add(await client.GenerateTextAsync(request));
        }

        Assert.All(alone, r => Assert.Equal(8, r.TokenIds.Count));
        Assert.True(alone.Sum(r => r.Report.SegmentsHit) > 0);

        var order = Enumerable.Range(0, 64).Select(i => i % kinds.Length).OrderBy(i => (i * 37) % 11).ToArray();
        (int Kind, List<int> Ids, string Text, FinishReason? Finish)[] results = await Task.WhenAll(order.Select(async kind =>
        {
            var ids = new List<int>();
            string text = string.Empty;
            FinishReason? finish = null;
            await foreach (GenerationUpdate update in client.GenerateAsync(kinds[kind]))
            {
                ids.AddRange(update.TokenIds);
                text += update.Text;
                finish ??= update.FinishReason;
            }

            return (kind, ids, text, finish);
        })).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(64, results.Length);
        foreach (var (kind, ids, text, finish) in results)
        {
            Assert.Equal(alone[kind].TokenIds, ids);
            Assert.Equal(alone[kind].Text, text);
            Assert.Equal(FinishReason.MaxTokens, finish);
        }

        await TestHosts.WaitIdleAsync(client);
        Assert.Equal(0, client.Stats!.KvBlocksUsed);
        await host.StopAsync();
    }
}
