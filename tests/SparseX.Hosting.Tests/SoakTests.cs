using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Hosting;
using SparseX.Engine.Reuse;
using SparseX.Engine.Runtime;
using Xunit.Abstractions;

namespace SparseX.Hosting.Tests;

public class SoakTests(ITestOutputHelper output)
{
    private enum Kind
    {
        Valid,
        Cancelled,
        Invalid,
    }

    [Fact]
    public async Task ThousandMixedRequestsWithCancellationAndBadInputAllEndAndFreeThePool()
    {
        const int Count = 1000;
        using IHost host = await TestHosts.StartAsync(o => o.MaxQueuedRequests = 16);
        ISparseXEngineClient client = host.Client();
        using var requests = new MetricCollector<long>(host.Services.GetRequiredService<IMeterFactory>(), SparseXMetrics.MeterName, SparseXMetrics.Requests);
        PromptSpan[] segments = Enumerable.Range(0, 5)
            .Select(i => PromptSpan.Segment(i == 0 ? SegmentKind.System : SegmentKind.Document, TestHosts.Tokens(100 + i, 16 + (8 * i)), $"s{i}"))
            .ToArray();
        var random = new Random(1234);
        var plan = Enumerable.Range(0, Count).Select(i =>
        {
            double roll = random.NextDouble();
            Kind kind = roll < 0.2 ? Kind.Cancelled : roll < 0.3 ? Kind.Invalid : Kind.Valid;
            var spans = segments.OrderBy(_ => random.Next()).Take(random.Next(1, 4)).ToList();
            spans.Add(PromptSpan.Plain(TestHosts.Tokens(1000 + i, random.Next(2, 10))));
            if (kind == Kind.Invalid)
            {
                spans.Insert(random.Next(spans.Count), PromptSpan.Plain(new[] { 7, random.Next(2) == 0 ? 2048 + random.Next(5000) : -1 - random.Next(10) }));
            }

            return (Kind: kind, Request: TestHosts.Greedy(spans, random.Next(1, 7)), CancelAfterMs: random.Next(0, 40));
        }).ToArray();

        var outcomes = await Task.WhenAll(plan.Select(async p =>
        {
            using var cts = new CancellationTokenSource();
            if (p.Kind == Kind.Cancelled)
            {
                cts.CancelAfter(p.CancelAfterMs);
            }

            try
            {
                GenerationResult result = await client.GenerateTextAsync(p.Request, cts.Token).WaitAsync(TimeSpan.FromSeconds(60));
                return (p.Kind, p.Request, Result: (GenerationResult?)result, Error: (Exception?)null);
            }
            catch (Exception ex)
            {
                return (p.Kind, p.Request, Result: null, Error: ex);
            }
        }));

        int completed = 0, cancelled = 0, invalid = 0;
        foreach (var (kind, request, result, error) in outcomes)
        {
            Assert.IsNotType<TimeoutException>(error);
            switch (kind)
            {
                case Kind.Valid:
                    Assert.Null(error);
                    Assert.Equal(request.Options.MaxNewTokens, result!.TokenIds.Count);
                    Assert.Equal(FinishReason.MaxTokens, result.FinishReason);
                    completed++;
                    break;
                case Kind.Cancelled when error is null:
                    Assert.Equal(request.Options.MaxNewTokens, result!.TokenIds.Count);
                    completed++;
                    break;
                case Kind.Cancelled:
                    Assert.IsAssignableFrom<OperationCanceledException>(error);
                    cancelled++;
                    break;
                case Kind.Invalid:
                    var argument = Assert.IsAssignableFrom<ArgumentException>(error);
                    Assert.Matches(@"Token id -?\d+ at position \d+ is outside the vocabulary \[0, 2048\)\.", argument.Message);
                    invalid++;
                    break;
            }
        }

        output.WriteLine($"{completed} completed, {cancelled} cancelled, {invalid} invalid");
        Assert.Equal(Count, completed + cancelled + invalid);
        Assert.True(cancelled > 0, "some requests should have been cancelled before finishing");
        Assert.True(invalid > 10, $"expected invalid requests, got {invalid}");

        await TestHosts.WaitIdleAsync(client);
        SparseXEngineHost engine = host.Engine();
        Assert.Equal(0, client.Stats!.KvBlocksUsed);
        Assert.Equal(0, engine.QueueDepth);
        Assert.Equal(0, engine.RunningRequests);
        Assert.Equal(SparseXEngineState.Running, engine.State);
        Assert.Null(engine.Fault);
        var measured = requests.GetMeasurementSnapshot();
        Assert.Equal(Count, measured.Count);
        Assert.Equal(completed, measured.Count(m => m.Tags[SparseXMetrics.OutcomeTag] as string == "completed"));
        Assert.Equal(cancelled, measured.Count(m => m.Tags[SparseXMetrics.OutcomeTag] as string == "cancelled"));
        Assert.Equal(invalid, measured.Count(m => m.Tags[SparseXMetrics.OutcomeTag] as string == "failed"));

        GenerationResult after = await client.GenerateTextAsync(TestHosts.Greedy(TestHosts.Reference.Prompt, 4));
        Assert.Equal(TestHosts.Reference.Greedy[..4], after.TokenIds);
        await host.StopAsync();
    }
}
