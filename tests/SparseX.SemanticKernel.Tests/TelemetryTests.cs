using System.Diagnostics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging.Abstractions;
using SparseX.Engine.Reuse;
using SparseX.Engine.Runtime;

namespace SparseX.SemanticKernel.Tests;

public class TelemetryTests
{
    [Fact]
    public async Task OpenTelemetryMiddlewareReportsCachedInputTokens()
    {
        string sourceName = "sparsex-test-" + Guid.NewGuid().ToString("N");
        var activities = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == sourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activities.Add,
        };
        ActivitySource.AddActivityListener(listener);

        var report = new ReuseReport { TotalTokens = 40, PrefixHitTokens = 16, ReusedTokens = 10, NewTokens = 14 };
        var generator = new ScriptedGenerator(new ScriptedReply(["ok"], FinishReason.EndOfSequence, report));
        using IChatClient client = new SparseXChatClient(generator).AsBuilder()
            .UseOpenTelemetry(sourceName: sourceName)
            .UseLogging(NullLoggerFactory.Instance)
            .Build();

        ChatResponse response = await client.GetResponseAsync("hi");

        Assert.Equal(26, response.Usage!.CachedInputTokenCount);
        Activity activity = Assert.Single(activities);
        Assert.Equal(26, Convert.ToInt64(activity.GetTagItem("gen_ai.usage.cache_read.input_tokens")));
        Assert.Equal(40, Convert.ToInt64(activity.GetTagItem("gen_ai.usage.input_tokens")));
        Assert.Equal("sparsex", activity.GetTagItem("gen_ai.provider.name"));
    }
}
