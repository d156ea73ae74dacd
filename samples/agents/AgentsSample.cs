using System.Diagnostics;
using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.SemanticKernel;
using Spectre.Console;
using SparseX.Engine.Reuse;
using SparseX.Engine.Runtime;
using SparseX.Engine.Text;
using SparseX.Engine.Text.Templates;
using SparseX.Hosting;
using SparseX.SemanticKernel;
using CorpusGenerator = SparseX.World.CorpusGenerator;

namespace SparseX.Samples.Agents;

/// <summary>
/// The sample: one hosted SparseX engine in this process, three Agent Framework agents over <see cref="SparseXChatClient"/>s
/// on it, a Semantic Kernel <c>search</c> function over the documents of the synthetic world the demo model is trained on
/// (<see cref="DemoWorld"/>), and a reuse report per turn.
/// </summary>
internal static class AgentsSample
{
    public static async Task<SampleResult> RunAsync(SampleOptions options, IAnsiConsole console, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        string modelPath = options.ResolveModelPath();
        ChatTemplate template = ChatTemplate.FromDirectory(modelPath);

        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSparseXEngine(engine =>
        {
            engine.ModelPath = modelPath;
            engine.Device = options.Device;
            engine.CpuThreads = options.CpuThreads;
            engine.KvCacheBytes = 128L * 1024 * 1024;
            engine.SegmentStoreBytes = 128L * 1024 * 1024;
        });
        using IHost host = builder.Build();

        console.MarkupLine($"[grey]Loading[/] [bold]{Markup.Escape(modelPath)}[/] [grey]on {Markup.Escape(options.Device)} (hosted engine)…[/]");
        await host.StartAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var engine = host.Services.GetRequiredService<ISparseXEngineClient>();
            string modelId = Path.GetFileName(Path.TrimEndingDirectorySeparator(modelPath));
            var generator = new SparseXHostedGenerator(engine, template, modelId);
            var chatClient = new SparseXChatClient(generator, new SparseXChatClientOptions { DefaultReuse = options.Policy, DefaultMaxOutputTokens = options.MaxOutputTokens });

            DemoWorld world;
            using (HfTokenizer tokenizer = HfTokenizer.FromDirectory(modelPath))
            {
                world = DemoWorld.Create(t => tokenizer.Encode(t).Length, options.Conversations, version: SparseX.World.WorldManifest.Read(modelPath));
            }

            var store = new DocumentStore(world.Conversations);
            var log = new CallLog();
            TurnWorkflow workflow = CreateWorkflow(chatClient, store, log, options.MaxOutputTokens, options.ToolCallMaxTokens);

            // One unmeasured request first, so that the first turn's TTFTs do not include the engine's warm-up.
            await engine.GenerateTextAsync(
                GenerationRequest.FromSpans([PromptSpan.Plain("warm up")], new GenerationOptions { MaxNewTokens = 1 }, ReusePolicy.Default with { Mode = ReuseMode.FullPrefill }),
                cancellationToken).ConfigureAwait(false);

            var renderer = new ReportRenderer(console);
            renderer.Header(modelId, options, world);
            var turns = new List<TurnState>();
            foreach (WorldQuestion question in world.Questions.Take(options.Turns))
            {
                log.Turn = turns.Count + 1;
                TurnState result = await workflow.RunAsync(new TurnState(question), cancellationToken).ConfigureAwait(false);
                turns.Add(result);
                renderer.Turn(log.Turn, result, log.Records.Where(r => r.Turn == log.Turn).ToList());
            }

            var sampleResult = new SampleResult(log.Records, turns, store.Searches, clock.Elapsed);
            renderer.Summary(sampleResult, turns, options, engine.Stats);
            return sampleResult;
        }
        finally
        {
            await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The three agents over <paramref name="chatClient"/>, each behind its own <see cref="ReuseProbeChatClient"/>; the
    /// librarian is offered the <c>search</c> tool (a Semantic Kernel function over <paramref name="store"/>).
    /// </summary>
    public static TurnWorkflow CreateWorkflow(IChatClient chatClient, DocumentStore store, CallLog log, int maxOutputTokens, int toolCallMaxTokens)
    {
        // Bound to a kernel: unbound, a KernelFunction builds one from the caller's services, which an agent does not have.
        AIFunction search = KernelFunctionFactory.CreateFromMethod(store.Search, "search", "Searches the documents and returns those about the query.")
            .WithKernel(new Kernel());

        // Function invocation above the probe, so that the probe sees (and measures) every model call of a tool loop.
        // The instructions are the system prompts the demo model is trained on (it follows no others).
        AIAgent Agent(string name, string instructions, IList<AITool>? tools = null) =>
            new ChatClientAgent(
                new ReuseProbeChatClient(chatClient, name, log).AsBuilder().UseFunctionInvocation(configure: f => f.MaximumIterationsPerRequest = 3).Build(),
                instructions,
                name,
                tools: tools);

        return new TurnWorkflow(
            Agent("librarian", CorpusGenerator.ToolSystemPrompt, [search]),
            Agent("analyst", CorpusGenerator.DocumentSystemPrompt),
            Agent("reviewer", CorpusGenerator.DocumentSystemPrompt),
            store,
            maxOutputTokens,
            toolCallMaxTokens);
    }
}
