using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SparseX.Engine.Reuse;

namespace SparseX.Hosting.Tests;

public class OptionsValidationTests
{
    [Fact]
    public async Task MissingModelPathFailsStartWithAMessageNamingTheSettingAndItsKey()
    {
        using IHost host = TestHosts.Build(o => o.ModelPath = "");
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        string failure = Assert.Single(ex.Failures);
        Assert.Equal("SparseXEngineOptions.ModelPath is required: set it (configuration key 'SparseX:Engine:ModelPath') to a Hugging Face checkpoint directory with config.json, *.safetensors and tokenizer.json.", failure);

        // Validation runs before the model would load: the engine never started.
        Assert.Equal(SparseXEngineState.NotStarted, host.Engine().State);
    }

    [Fact]
    public async Task ModelPathThatIsNotACheckpointIsNamed()
    {
        string missing = Path.Combine(Path.GetTempPath(), "sparsex-no-such-model-" + Guid.NewGuid().ToString("N"));
        using IHost host = TestHosts.Build(o => o.ModelPath = missing);
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Equal($"SparseXEngineOptions.ModelPath '{missing}' does not exist or is not a directory.", Assert.Single(ex.Failures));

        using IHost notCheckpoint = TestHosts.Build(o => o.ModelPath = Path.GetTempPath());
        ex = await Assert.ThrowsAsync<OptionsValidationException>(() => notCheckpoint.StartAsync());
        Assert.Contains("has no config.json", Assert.Single(ex.Failures), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("gpu")]
    [InlineData("cuda:x")]
    [InlineData("")]
    public async Task BadDeviceIsRefusedWithTheAcceptedValues(string device)
    {
        using IHost host = TestHosts.Build(o => o.Device = device);
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Equal($"SparseXEngineOptions.Device '{device}' is not supported: use cpu, cuda or cuda:N.", Assert.Single(ex.Failures));
    }

    [Fact]
    public async Task BadDtypeIsRefusedWithTheAcceptedValues()
    {
        using IHost host = TestHosts.Build(o => o.Dtype = "fp8");
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Equal("SparseXEngineOptions.Dtype 'fp8' is not supported: use float32, bfloat16 or float16, or leave it empty for the device default.", Assert.Single(ex.Failures));
    }

    [Fact]
    public async Task EveryProblemIsReportedAtOnce()
    {
        using IHost host = TestHosts.Build(o =>
        {
            o.BlockSize = 0;
            o.MaxQueuedRequests = 0;
            o.ShutdownTimeout = TimeSpan.Zero;
            o.KvCacheBytes = -1;
            o.DefaultReuse.Budget = 1.5;
            o.DefaultReuse.FullLayers = 0;
            o.DefaultReuse.SelectionLayer = -2;
            o.CpuThreads = 0;
        });
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Equal(8, ex.Failures.Count());
        Assert.Contains("SparseXEngineOptions.CpuThreads must be at least 1, or unset for libtorch's default (got 0).", ex.Failures);
        Assert.Contains("SparseXEngineOptions.BlockSize must be in [1, 1024] (got 0).", ex.Failures);
        Assert.Contains("SparseXEngineOptions.MaxQueuedRequests must be at least 1 (got 0).", ex.Failures);
        Assert.Contains("SparseXEngineOptions.DefaultReuse.Budget must be in [0, 1] (got 1.5).", ex.Failures);
        Assert.Contains("SparseXEngineOptions.DefaultReuse.FullLayers must be at least 1 (got 0).", ex.Failures);
        Assert.Contains("SparseXEngineOptions.DefaultReuse.SelectionLayer must be at least F − 1 = 0, or unset (got -2).", ex.Failures);
    }

    [Fact]
    public async Task ReusePolicyBeyondTheModelsLayersFailsStartAfterLoading()
    {
        using IHost host = TestHosts.Build(o => o.DefaultReuse.FullLayers = 9);
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Equal("SparseXEngineOptions.DefaultReuse: FullLayers F must be in [1, 4] for this model (got 9). (Parameter 'FullLayers')", Assert.Single(ex.Failures));
        Assert.Equal(SparseXEngineState.Faulted, host.Engine().State);
    }

    [Fact]
    public void OptionsBindFromAConfigurationSection()
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["SparseX:Engine:ModelPath"] = FixturePaths.LlamaGqa,
            ["SparseX:Engine:Device"] = "cuda:1",
            ["SparseX:Engine:Dtype"] = "bfloat16",
            ["SparseX:Engine:KvCacheBytes"] = "1048576",
            ["SparseX:Engine:MaxQueuedRequests"] = "3",
            ["SparseX:Engine:FailFastWhenQueueFull"] = "true",
            ["SparseX:Engine:ShutdownTimeout"] = "00:00:05",
            ["SparseX:Engine:DefaultReuse:Selector"] = "KvDeviation",
            ["SparseX:Engine:DefaultReuse:Budget"] = "0.3",
            ["SparseX:Engine:DefaultReuse:Namespace"] = "tenant-a",
        }).Build();
        var services = new ServiceCollection();
        services.AddSparseXEngine(configuration.GetSection(SparseXEngineOptions.SectionName));
        using ServiceProvider provider = services.BuildServiceProvider();
        SparseXEngineOptions options = provider.GetRequiredService<IOptions<SparseXEngineOptions>>().Value;
        Assert.Equal("cuda:1", options.Device);
        Assert.Equal("bfloat16", options.Dtype);
        Assert.Equal(1048576, options.KvCacheBytes);
        Assert.Equal(3, options.MaxQueuedRequests);
        Assert.True(options.FailFastWhenQueueFull);
        Assert.Equal(TimeSpan.FromSeconds(5), options.ShutdownTimeout);
        ReusePolicy policy = options.DefaultReuse.ToPolicy();
        Assert.Equal(SelectorKind.KvDeviation, policy.Selector);
        Assert.Equal(0.3, policy.Budget);
        Assert.Equal("tenant-a", policy.Namespace);
        Assert.Equal(ReusePolicy.Default.FullLayers, policy.FullLayers);
        Assert.Equal(SelectorKind.SparseQ, ReusePolicy.Default.Selector);
    }

    [Fact]
    public void RegistrationIsIdempotentAndExposesOneHost()
    {
        var services = new ServiceCollection();
        services.AddSparseXEngine(o => o.ModelPath = FixturePaths.LlamaGqa);
        services.AddSparseXEngine(o => o.Device = "cpu");
        using ServiceProvider provider = services.BuildServiceProvider();
        SparseXEngineHost host = provider.GetRequiredService<SparseXEngineHost>();
        Assert.Same(host, provider.GetRequiredService<ISparseXEngineClient>());
        Assert.Same(host, Assert.Single(provider.GetServices<IHostedService>()));
        Assert.Single(provider.GetServices<IValidateOptions<SparseXEngineOptions>>());
    }
}
