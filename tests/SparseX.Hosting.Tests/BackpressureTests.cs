using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Hosting;
using SparseX.Engine.Runtime;

namespace SparseX.Hosting.Tests;

public class BackpressureTests
{
    [Fact]
    public async Task CallersWaitForAFreeSlotAndRunWhenOneIsReleased()
    {
        using IHost host = await TestHosts.StartAsync(o => o.MaxQueuedRequests = 2);
        SparseXEngineHost engine = host.Engine();
        var (prompt, greedy) = TestHosts.Reference;

        // Two open streams take both slots.
        IAsyncEnumerator<GenerationUpdate> first = engine.GenerateAsync(TestHosts.Greedy(prompt, 4)).GetAsyncEnumerator();
        IAsyncEnumerator<GenerationUpdate> second = engine.GenerateAsync(TestHosts.Greedy(prompt, 4)).GetAsyncEnumerator();
        Assert.True(await first.MoveNextAsync());
        Assert.True(await second.MoveNextAsync());

        Task<GenerationResult> third = engine.GenerateTextAsync(TestHosts.Greedy(prompt, 4));
        using var cancelWait = new CancellationTokenSource();
        Task<GenerationResult> fourth = engine.GenerateTextAsync(TestHosts.Greedy(prompt, 4), cancelWait.Token);
        Assert.True(await TestHosts.EventuallyAsync(() => engine.QueueDepth == 2), $"queue depth {engine.QueueDepth}");
        await Task.Delay(100);
        Assert.False(third.IsCompleted);
        Assert.False(fourth.IsCompleted);

        // A waiting caller can give up.
        cancelWait.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => fourth);
        Assert.Equal(1, engine.QueueDepth);

        // Finishing one stream lets the waiting caller in.
        while (await first.MoveNextAsync())
        {
        }

        await first.DisposeAsync();
        GenerationResult result = await third.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(greedy[..4], result.TokenIds);
        await second.DisposeAsync();
        Assert.Equal(0, engine.QueueDepth);
        await host.StopAsync();
    }

    [Fact]
    public async Task FailFastRefusesAtOnceWithAClearErrorWhileTheSlotsAreTaken()
    {
        using IHost host = await TestHosts.StartAsync(o =>
        {
            o.MaxQueuedRequests = 1;
            o.FailFastWhenQueueFull = true;
        });
        SparseXEngineHost engine = host.Engine();
        using var requests = new MetricCollector<long>(host.Services.GetRequiredService<IMeterFactory>(), SparseXMetrics.MeterName, SparseXMetrics.Requests);
        var (prompt, greedy) = TestHosts.Reference;

        await using (IAsyncEnumerator<GenerationUpdate> open = engine.GenerateAsync(TestHosts.Greedy(prompt, 4)).GetAsyncEnumerator())
        {
            Assert.True(await open.MoveNextAsync());
            var full = await Assert.ThrowsAsync<SparseXQueueFullException>(() => engine.GenerateTextAsync(TestHosts.Greedy(prompt, 4)));
            Assert.Equal(1, full.Capacity);
            Assert.Contains("MaxQueuedRequests = 1", full.Message, StringComparison.Ordinal);
            Assert.Contains("FailFastWhenQueueFull", full.Message, StringComparison.Ordinal);
            Assert.Equal(0, engine.QueueDepth);
        }

        GenerationResult result = await engine.GenerateTextAsync(TestHosts.Greedy(prompt, 4));
        Assert.Equal(greedy[..4], result.TokenIds);
        Assert.Single(requests.GetMeasurementSnapshot(), m => m.Tags[SparseXMetrics.OutcomeTag] as string == "rejected");
        await host.StopAsync();
    }
}
