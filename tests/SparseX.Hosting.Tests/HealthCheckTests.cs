using System.Runtime.InteropServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using SparseX.Engine.Cache;
using SparseX.Engine.Runtime;

namespace SparseX.Hosting.Tests;

public class HealthCheckTests
{
    [Fact]
    public async Task UnhealthyBeforeStartHealthyWhenServingAndUnhealthyAfterADeviceFault()
    {
        using IHost host = TestHosts.Build();
        SparseXEngineHost engine = host.Engine();
        HealthCheckService health = host.Services.GetRequiredService<HealthCheckService>();

        HealthReport before = await health.CheckHealthAsync();
        Assert.Equal(HealthStatus.Unhealthy, before.Status);
        Assert.Contains("not loaded", before.Entries[SparseXHealthChecksBuilderExtensions.DefaultName].Description, StringComparison.Ordinal);

        await host.StartAsync();
        HealthReportEntry running = (await health.CheckHealthAsync()).Entries[SparseXHealthChecksBuilderExtensions.DefaultName];
        Assert.Equal(HealthStatus.Healthy, running.Status);
        Assert.Equal("cpu", running.Data["device"]);
        Assert.Equal("LlamaForCausalLM", running.Data["architecture"]);
        Assert.Equal(FixturePaths.LlamaGqa, running.Data["model_path"]);
        Assert.Equal(engine.Stats!.KvBlocksTotal, running.Data["kv_blocks_total"]);
        Assert.Equal(0.0, running.Data["kv_pool_usage"]);

        // An invalid request fails alone; the engine stays healthy.
        engine.RequestFaultInjector = _ => new ArgumentException("Malformed segment.");
        var invalid = await Assert.ThrowsAsync<ArgumentException>(() => engine.GenerateTextAsync(TestHosts.Greedy(TestHosts.Reference.Prompt, 2)));
        Assert.Equal("Malformed segment.", invalid.Message);
        Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync()).Status);

        // A request is streaming when the device faults under another one.
        engine.RequestFaultInjector = null;
        await using IAsyncEnumerator<GenerationUpdate> inFlight = engine.GenerateAsync(TestHosts.Greedy(TestHosts.Reference.Prompt, 3000)).GetAsyncEnumerator();
        Assert.True(await inFlight.MoveNextAsync());

        engine.RequestFaultInjector = _ => new ExternalException("CUDA error: an illegal memory access was encountered");
        var device = await Assert.ThrowsAsync<ExternalException>(() => engine.GenerateTextAsync(TestHosts.Greedy(TestHosts.Reference.Prompt, 2)));
        Assert.Contains("illegal memory access", device.Message, StringComparison.Ordinal);
        Assert.Equal(SparseXEngineState.Faulted, engine.State);
        Assert.Same(device, engine.Fault);

        // The other in-flight request fails with a clear error instead of hanging.
        var failedInFlight = await Assert.ThrowsAsync<SparseXEngineUnavailableException>(async () =>
        {
            while (await inFlight.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)))
            {
            }
        });
        Assert.Equal(SparseXEngineState.Faulted, failedInFlight.State);
        Assert.Contains("faulted while this request was running", failedInFlight.Message, StringComparison.Ordinal);

        HealthReportEntry faulted = (await health.CheckHealthAsync()).Entries[SparseXHealthChecksBuilderExtensions.DefaultName];
        Assert.Equal(HealthStatus.Unhealthy, faulted.Status);
        Assert.Contains("illegal memory access", faulted.Description, StringComparison.Ordinal);
        Assert.Same(device, faulted.Exception);

        // New requests are refused, naming the fault.
        engine.RequestFaultInjector = null;
        var refused = await Assert.ThrowsAsync<SparseXEngineUnavailableException>(() => engine.GenerateTextAsync(TestHosts.Greedy(TestHosts.Reference.Prompt, 2)));
        Assert.Equal(SparseXEngineState.Faulted, refused.State);
        Assert.Same(device, refused.InnerException);
        await host.StopAsync();
    }

    [Fact]
    public async Task RealInvalidInputFromTheEngineDoesNotFlipHealth()
    {
        using IHost host = await TestHosts.StartAsync();
        SparseXEngineHost engine = host.Engine();
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => engine.GenerateTextAsync(TestHosts.Greedy(new[] { 5, 7, 4096 }, 2)));
        Assert.Contains("outside the vocabulary", ex.Message, StringComparison.Ordinal);
        Assert.Equal(SparseXEngineState.Running, engine.State);
        Assert.Equal(HealthStatus.Healthy, SparseXEngineHealthCheck.Evaluate(engine.GetHealthSnapshot()).Status);
        GenerationResult ok = await engine.GenerateTextAsync(TestHosts.Greedy(TestHosts.Reference.Prompt, 2));
        Assert.Equal(2, ok.TokenIds.Count);
        await host.StopAsync();
    }

    [Fact]
    public async Task ModelThatFailsToLoadFailsStartAndReportsUnhealthy()
    {
        string dir = Directory.CreateTempSubdirectory("sparsex-bad-model-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "config.json"), "{ \"architectures\": [\"LlamaForCausalLM\"] }");
            using IHost host = TestHosts.Build(o => o.ModelPath = dir);
            Exception thrown = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());
            SparseXEngineHost engine = host.Engine();
            Assert.Equal(SparseXEngineState.Faulted, engine.State);
            Assert.Same(thrown, engine.Fault);
            HealthCheckResult result = SparseXEngineHealthCheck.Evaluate(engine.GetHealthSnapshot());
            Assert.Equal(HealthStatus.Unhealthy, result.Status);
            Assert.StartsWith("The SparseX engine failed to load: ", result.Description, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData(0, HealthStatus.Healthy)]
    [InlineData(90, HealthStatus.Healthy)]
    [InlineData(91, HealthStatus.Degraded)]
    [InlineData(100, HealthStatus.Degraded)]
    public void PoolPressureAboveNinetyPercentIsDegraded(int usedBlocks, HealthStatus expected)
    {
        var stats = new EngineStats(100, usedBlocks, 0, new SegmentStoreStats(0, 0, 0, 0, 0, 0), 0);
        var snapshot = new EngineHealthSnapshot(SparseXEngineState.Running, null, "cpu", "/m", "LlamaForCausalLM", "Float32", stats, 0, 1);
        HealthCheckResult result = SparseXEngineHealthCheck.Evaluate(snapshot);
        Assert.Equal(expected, result.Status);
        Assert.Equal(usedBlocks / 100.0, result.Data["kv_pool_usage"]);
    }

    [Theory]
    [InlineData(SparseXEngineState.NotStarted)]
    [InlineData(SparseXEngineState.Loading)]
    [InlineData(SparseXEngineState.Stopping)]
    [InlineData(SparseXEngineState.Stopped)]
    public void NotServingIsUnhealthy(SparseXEngineState state)
    {
        var snapshot = new EngineHealthSnapshot(state, null, "cpu", "/m", null, null, null, 0, 0);
        Assert.Equal(HealthStatus.Unhealthy, SparseXEngineHealthCheck.Evaluate(snapshot).Status);
    }

    [Fact]
    public void FaultClassifierSeparatesDeviceFaultsFromBadRequests()
    {
        Assert.True(EngineFaultClassifier.IsFault(new ExternalException("CUDA error")));
        Assert.True(EngineFaultClassifier.IsFault(new SEHException()));
        Assert.True(EngineFaultClassifier.IsFault(new OutOfMemoryException()));
        Assert.True(EngineFaultClassifier.IsFault(new InvalidOperationException("wrapped", new ExternalException("CUDA error"))));
        Assert.False(EngineFaultClassifier.IsFault(new ArgumentException("bad token")));
        Assert.False(EngineFaultClassifier.IsFault(new ArgumentOutOfRangeException("x")));
        Assert.False(EngineFaultClassifier.IsFault(new OperationCanceledException()));
        Assert.False(EngineFaultClassifier.IsFault(new KvCacheExhaustedException("pool too small")));
        Assert.False(EngineFaultClassifier.IsFault(new InvalidOperationException("a bug in one request")));
    }
}
