using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SparseX.Engine.Model;
using SparseX.Engine.Reuse;
using SparseX.Engine.Runtime;

namespace SparseX.Hosting.Tests;

/// <summary>Builds generic hosts with the SparseX engine over the fixture model, and common requests.</summary>
internal static class TestHosts
{
    public const long SmallPool = 8L * 1024 * 1024;

    private static readonly Lazy<(int[] Prompt, int[] Greedy)> ShortReference = new(() =>
    {
        using ReferenceSet refs = ReferenceSet.Open(Path.Combine(FixturePaths.LlamaGqa, "references.safetensors"));
        return (refs.InputIds("short"), refs.Greedy("short")!);
    });

    /// <summary>Gets the fixture's <c>short</c> prompt (44 tokens) and its greedy continuation from transformers.</summary>
    public static (int[] Prompt, int[] Greedy) Reference => ShortReference.Value;

    public static IHost Build(Action<SparseXEngineOptions>? configure = null, Action<IServiceCollection>? services = null)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddMetrics();
        builder.Services.AddFakeLogging(o => o.OutputSink = null);
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Services.AddSparseXEngine(o =>
        {
            o.ModelPath = FixturePaths.LlamaGqa;
            o.KvCacheBytes = SmallPool;
            o.SegmentStoreBytes = SmallPool;

            // One intra-op thread: the test machine has 2 cores shared with other test processes.
            o.CpuThreads = 1;
            configure?.Invoke(o);
        });
        builder.Services.AddHealthChecks().AddSparseXEngine();
        services?.Invoke(builder.Services);
        return builder.Build();
    }

    public static async Task<IHost> StartAsync(Action<SparseXEngineOptions>? configure = null)
    {
        IHost host = Build(configure);
        await host.StartAsync();
        return host;
    }

    public static SparseXEngineHost Engine(this IHost host) => host.Services.GetRequiredService<SparseXEngineHost>();

    public static ISparseXEngineClient Client(this IHost host) => host.Services.GetRequiredService<ISparseXEngineClient>();

    /// <summary>A greedy request over prompt ids that ignores EOS, so it produces exactly <paramref name="max"/> tokens.</summary>
    public static GenerationRequest Greedy(IReadOnlyList<int> prompt, int max) =>
        new() { PromptTokenIds = prompt, Options = new GenerationOptions { MaxNewTokens = max, IgnoreEos = true } };

    /// <summary>A greedy request from spans that ignores EOS.</summary>
    public static GenerationRequest Greedy(IReadOnlyList<PromptSpan> spans, int max) =>
        GenerationRequest.FromSpans(spans, new GenerationOptions { MaxNewTokens = max, IgnoreEos = true });

    /// <summary>Deterministic in-vocabulary token ids (vocab 2048; avoids the low special ids).</summary>
    public static int[] Tokens(int seed, int count)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => random.Next(10, 2000)).ToArray();
    }

    /// <summary>Waits until the engine has released every KV block (a cancelled stream ends before the engine thread frees its blocks).</summary>
    public static async Task WaitIdleAsync(ISparseXEngineClient client, TimeSpan? timeout = null)
    {
        DateTime until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (client.Stats is { KvBlocksUsed: > 0 } && DateTime.UtcNow < until)
        {
            await Task.Delay(10);
        }
    }

    /// <summary>Polls a condition until it holds or the timeout passes.</summary>
    public static async Task<bool> EventuallyAsync(Func<bool> condition, TimeSpan? timeout = null)
    {
        DateTime until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (!condition())
        {
            if (DateTime.UtcNow > until)
            {
                return false;
            }

            await Task.Delay(5);
        }

        return true;
    }
}
