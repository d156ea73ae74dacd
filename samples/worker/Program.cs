using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SparseX.Hosting;
using SparseX.Samples.Worker;

// A worker process that hosts one SparseX engine and serves four concurrent agents.
// Usage: dotnet run --project samples/worker -- --model <checkpoint dir> [--device cpu|cuda[:N]] [--threads N] [--max-tokens N]
// Any engine option can also come from configuration: --SparseX:Engine:KvCacheBytes=..., SPARSEX__ENGINE__DEVICE=..., appsettings.json.
HostApplicationBuilder builder = Host.CreateApplicationBuilder(args);
builder.Configuration.AddCommandLine(args, new Dictionary<string, string>
{
    ["--model"] = "SparseX:Engine:ModelPath",
    ["--device"] = "SparseX:Engine:Device",
    ["--threads"] = "SparseX:Engine:CpuThreads",
    ["--max-tokens"] = "Agents:MaxNewTokens",
});
builder.Services.AddSparseXEngine(builder.Configuration.GetSection(SparseXEngineOptions.SectionName));
builder.Services.AddHealthChecks().AddSparseXEngine();
builder.Services.Configure<AgentsOptions>(builder.Configuration.GetSection(AgentsOptions.SectionName));
builder.Services.AddHostedService<AgentsWorker>();

try
{
    await builder.Build().RunAsync();
    return 0;
}
catch (OptionsValidationException ex)
{
    Console.Error.WriteLine("Invalid SparseX options:");
    foreach (string failure in ex.Failures)
    {
        Console.Error.WriteLine("  " + failure);
    }

    Console.Error.WriteLine("Usage: dotnet run --project samples/worker -- --model <checkpoint dir> [--device cpu|cuda[:N]] [--threads N] [--max-tokens N]");
    return 2;
}
