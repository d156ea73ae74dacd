using System.Diagnostics;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SparseX.Engine.Reuse;
using SparseX.Engine.Runtime;
using SparseX.Hosting;

namespace SparseX.Samples.Worker;

/// <summary>
/// Four agents that share a system prompt and two retrieved documents, each in its own order and with its own
/// question, sent concurrently through <see cref="ISparseXEngineClient"/>. Each agent prints its answer and
/// what the engine reused; the process stops when all rounds are done.
/// </summary>
public sealed class AgentsWorker(ISparseXEngineClient engine, HealthCheckService health, IOptions<AgentsOptions> options, IHostApplicationLifetime lifetime) : BackgroundService
{
    private static readonly PromptSpan System = PromptSpan.Segment(SegmentKind.System,
        "You are one of four analysts. Answer from the documents only, in two sentences, and name the document you used.\n", "system");

    private static readonly PromptSpan Report = PromptSpan.Segment(SegmentKind.Document,
        "Document Q3: Revenue grew 14% to 2.1 billion, driven by the storage line; operating margin fell to 11% on higher memory prices. " +
        "Headcount rose to 5,400. The board approved a second factory in Porto, to open in 2027.\n", "q3-report");

    private static readonly PromptSpan Memo = PromptSpan.Segment(SegmentKind.Document,
        "Document Memo: Engineering expects the new controller to cut power use by a third. Two suppliers missed delivery dates in August; " +
        "a third supplier is being qualified. Customer returns dropped to 0.4%.\n", "memo");

    private static readonly (string Name, PromptSpan[] Documents, string Question)[] Agents =
    {
        ("researcher", new[] { Report, Memo }, "Question: what drove revenue growth?\nAnswer:"),
        ("risk", new[] { Memo, Report }, "Question: which supply risks are mentioned?\nAnswer:"),
        ("finance", new[] { Report }, "Question: why did the margin fall?\nAnswer:"),
        ("planner", new[] { Memo, Report }, "Question: what happens in Porto and when?\nAnswer:"),
    };

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        AgentsOptions settings = options.Value;
        try
        {
            for (int round = 1; round <= settings.Rounds; round++)
            {
                Console.WriteLine($"=== round {round}: {Agents.Length} agents in parallel ===");
                var clock = Stopwatch.StartNew();
                string[] outputs = await Task.WhenAll(Agents.Select(agent => RunAgentAsync(agent.Name, agent.Documents, agent.Question, settings.MaxNewTokens, stoppingToken)));
                foreach (string output in outputs)
                {
                    Console.WriteLine(output);
                }

                Console.WriteLine($"round {round} took {clock.ElapsedMilliseconds} ms");
            }

            EngineStats? stats = engine.Stats;
            HealthReport report = await health.CheckHealthAsync(stoppingToken);
            Console.WriteLine($"engine: {stats?.RequestsCompleted} requests, {stats?.Segments.Entries} segments stored ({stats?.Segments.Hits} hits / {stats?.Segments.Misses} misses), KV blocks used {stats?.KvBlocksUsed}/{stats?.KvBlocksTotal}; health {report.Status}");
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            lifetime.StopApplication();
        }
    }

    private async Task<string> RunAgentAsync(string name, PromptSpan[] documents, string question, int maxNewTokens, CancellationToken cancellationToken)
    {
        var spans = new List<PromptSpan> { System };
        spans.AddRange(documents);
        spans.Add(PromptSpan.Plain(question));
        GenerationRequest request = GenerationRequest.FromSpans(spans, new GenerationOptions { MaxNewTokens = maxNewTokens });
        GenerationResult result = await engine.GenerateTextAsync(request, cancellationToken);
        ReuseReport r = result.Report;
        return $"[{name}] {result.Text.ReplaceLineEndings(" ").Trim()}\n" +
            $"[{name}] prompt {r.TotalTokens} tokens: prefix-hit {r.PrefixHitTokens}, reused {r.ReusedTokens} (recomputed {r.RecomputedTokens}), new {r.NewTokens}; " +
            $"segments hit {r.SegmentsHit} / missed {r.SegmentsMissed}; TTFT {r.TimeToFirstToken.TotalMilliseconds:0.0} ms; {result.TokenIds.Count} tokens ({result.FinishReason})";
    }
}
