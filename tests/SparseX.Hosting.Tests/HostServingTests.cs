using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Testing;
using SparseX.Engine.Reuse;
using SparseX.Engine.Runtime;

namespace SparseX.Hosting.Tests;

public class HostServingTests
{
    [Fact]
    public async Task HostLoadsTheModelAtStartAndServesTransformersGreedyTokensThroughDi()
    {
        using IHost host = TestHosts.Build();
        ISparseXEngineClient client = host.Client();
        Assert.Same(host.Engine(), client);
        Assert.Contains(host.Services.GetServices<IHostedService>(), s => ReferenceEquals(s, client));
        Assert.Equal(SparseXEngineState.NotStarted, client.State);
        Assert.Null(client.Stats);

        await host.StartAsync();
        Assert.Equal(SparseXEngineState.Running, client.State);
        Assert.NotNull(client.Stats);

        var (prompt, greedy) = TestHosts.Reference;
        GenerationResult result = await client.GenerateTextAsync(TestHosts.Greedy(prompt, greedy.Length));
        Assert.Equal(greedy, result.TokenIds);
        Assert.Equal(FinishReason.MaxTokens, result.FinishReason);
        Assert.Equal(prompt.Length, result.Report.TotalTokens);

        var streamed = new List<int>();
        GenerationUpdate? last = null;
        await foreach (GenerationUpdate update in client.GenerateAsync(TestHosts.Greedy(prompt, 6)))
        {
            streamed.AddRange(update.TokenIds);
            last = update;
        }

        Assert.Equal(greedy[..6], streamed);
        Assert.Equal(FinishReason.MaxTokens, last!.FinishReason);
        Assert.NotNull(last.Report);

        // Start-up progress is logged through the source-generated messages.
        FakeLogCollector logs = host.Services.GetFakeLogCollector();
        Assert.Contains(logs.GetSnapshot(), r => r.Id.Id == 1000 && r.Message.Contains(FixturePaths.LlamaGqa, StringComparison.Ordinal));
        Assert.Contains(logs.GetSnapshot(), r => r.Id.Id == 1001 && r.Message.Contains("LlamaForCausalLM", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.GetSnapshot(), r => r.Id.Id == 1009); // the fixture has no sparsex_reuse.json
        await host.StopAsync();
        Assert.Equal(SparseXEngineState.Stopped, client.State);
    }

    [Fact]
    public async Task ACalibratedCheckpointsSelectionLayerIsLoggedAtStart()
    {
        string dir = Directory.CreateTempSubdirectory("sparsex-host-calibrated-").FullName;
        try
        {
            foreach (string file in Directory.GetFiles(FixturePaths.LlamaGqa))
            {
                File.Copy(file, Path.Combine(dir, Path.GetFileName(file)));
            }

            new Engine.Model.ReuseCalibration { SelectionLayer = 2 }.Save(dir);
            using IHost host = TestHosts.Build(o => o.ModelPath = dir);
            await host.StartAsync();
            FakeLogCollector logs = host.Services.GetFakeLogCollector();
            Assert.Contains(logs.GetSnapshot(), r => r.Id.Id == 1009 && r.Message.Contains("layer 2", StringComparison.Ordinal) && r.Message.Contains("sparsex_reuse.json", StringComparison.Ordinal));
            await host.StopAsync();
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task RequestsBeforeStartAndAfterStopAreRefusedWithAClearError()
    {
        using IHost host = TestHosts.Build();
        ISparseXEngineClient client = host.Client();
        var early = await Assert.ThrowsAsync<SparseXEngineUnavailableException>(() => client.GenerateTextAsync(TestHosts.Greedy(TestHosts.Reference.Prompt, 2)));
        Assert.Equal(SparseXEngineState.NotStarted, early.State);
        Assert.Contains("not started", early.Message, StringComparison.Ordinal);

        await host.StartAsync();
        await host.StopAsync();
        var late = await Assert.ThrowsAsync<SparseXEngineUnavailableException>(() => client.GenerateTextAsync(TestHosts.Greedy(TestHosts.Reference.Prompt, 2)));
        Assert.Equal(SparseXEngineState.Stopped, late.State);
        Assert.Contains("stopp", late.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WarmedSegmentIsFoundByALaterRequestAtAnotherPosition()
    {
        using IHost host = await TestHosts.StartAsync();
        ISparseXEngineClient client = host.Client();
        PromptSpan document = PromptSpan.Segment(SegmentKind.Document, TestHosts.Tokens(11, 48), "doc");
        Assert.True(await client.WarmAsync(document));
        Assert.False(await client.WarmAsync(document));

        GenerationResult result = await client.GenerateTextAsync(TestHosts.Greedy(new[] { PromptSpan.Plain(TestHosts.Tokens(12, 20)), document, PromptSpan.Plain(TestHosts.Tokens(13, 8)) }, 3));
        Assert.Equal(1, result.Report.SegmentsHit);
        Assert.Equal(48, result.Report.ReusedTokens);
        Assert.Equal(3, result.TokenIds.Count);
        await Assert.ThrowsAsync<ArgumentException>(() => client.WarmAsync(PromptSpan.Plain("not a segment")));
        await host.StopAsync();
    }

    [Fact]
    public async Task HealthChecksBuilderRegistrationReportsThroughHealthCheckService()
    {
        using IHost host = await TestHosts.StartAsync();
        HealthReport report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        HealthReportEntry entry = report.Entries[SparseXHealthChecksBuilderExtensions.DefaultName];
        Assert.Equal(HealthStatus.Healthy, entry.Status);
        Assert.Contains("ready", entry.Tags);
        await host.StopAsync();
    }
}
