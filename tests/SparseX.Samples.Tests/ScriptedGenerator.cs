using System.Runtime.CompilerServices;
using SparseX.Engine.Reuse;
using SparseX.Engine.Runtime;
using SparseX.Engine.Text.Templates;
using SparseX.SemanticKernel;

namespace SparseX.Samples.Tests;

/// <summary>A fake engine that answers each request with what <see cref="Reply"/> picks, and records the requests.</summary>
internal sealed class ScriptedGenerator(ChatTemplate template, Func<GenerationRequest, string> reply) : ISparseXGenerator
{
    public string ModelId => "scripted";

    public ChatTemplate ChatTemplate { get; } = template;

    public Func<GenerationRequest, string> Reply { get; } = reply;

    public List<GenerationRequest> Requests { get; } = [];

    public async IAsyncEnumerable<GenerationUpdate> GenerateAsync(GenerationRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string text;
        lock (Requests)
        {
            Requests.Add(request);
            text = Reply(request);
        }

        await Task.Yield();
        yield return new GenerationUpdate(text, [1]);
        int total = request.Spans?.Sum(s => s.Text?.Length ?? 0) ?? 0;
        yield return new GenerationUpdate(string.Empty, [], FinishReason.EndOfSequence,
            new ReuseReport { TotalTokens = total, NewTokens = total, TimeToFirstToken = TimeSpan.FromMilliseconds(1) });
    }
}
