using System.Runtime.CompilerServices;
using SparseX.Engine.Reuse;
using SparseX.Engine.Runtime;
using SparseX.Engine.Text.Templates;

namespace SparseX.SemanticKernel.Tests;

/// <summary>One scripted reply: the text chunks (one token each), how it ends, and the reuse report.</summary>
internal sealed record ScriptedReply(IReadOnlyList<string> Chunks, FinishReason Finish = FinishReason.EndOfSequence, ReuseReport? Report = null)
{
    public static implicit operator ScriptedReply(string text) => new([text]);
}

/// <summary>
/// A fake engine: replays scripted replies in order (the last one repeats), records every request, and reports a
/// plausible reuse report (prompt length = number of spans' characters) unless the script gives one.
/// </summary>
internal sealed class ScriptedGenerator : ISparseXGenerator
{
    private readonly Queue<ScriptedReply> _replies;
    private ScriptedReply _last;

    public ScriptedGenerator(ChatTemplate template, params ScriptedReply[] replies)
    {
        ChatTemplate = template;
        _replies = new Queue<ScriptedReply>(replies.Length > 0 ? replies : ["ok"]);
        _last = _replies.Peek();
    }

    public ScriptedGenerator(params ScriptedReply[] replies)
        : this(Templates.ChatMl, replies)
    {
    }

    public string ModelId => "scripted-model";

    public ChatTemplate ChatTemplate { get; }

    public List<GenerationRequest> Requests { get; } = [];

    /// <summary>Gets or sets a function that picks the reply from the request (instead of the script).</summary>
    public Func<GenerationRequest, ScriptedReply>? Responder { get; set; }

    /// <summary>Gets or sets a delay before each chunk (for cancellation tests).</summary>
    public TimeSpan ChunkDelay { get; set; }

    public GenerationRequest LastRequest => Requests[^1];

    public async IAsyncEnumerable<GenerationUpdate> GenerateAsync(GenerationRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ScriptedReply reply;
        lock (Requests)
        {
            Requests.Add(request);
            reply = Responder?.Invoke(request) ?? (_replies.Count > 0 ? _last = _replies.Dequeue() : _last);
        }

        int id = 0;
        foreach (string chunk in reply.Chunks)
        {
            if (ChunkDelay > TimeSpan.Zero)
            {
                await Task.Delay(ChunkDelay, cancellationToken);
            }

            cancellationToken.ThrowIfCancellationRequested();
            yield return new GenerationUpdate(chunk, [id++]);
        }

        int total = request.Spans?.Sum(s => s.Text?.Length ?? 0) ?? 0;
        yield return new GenerationUpdate(string.Empty, [], reply.Finish, reply.Report ?? new ReuseReport { TotalTokens = total, NewTokens = total });
    }

    /// <summary>The spans of the last request as (kind, text) pairs.</summary>
    public List<(SegmentKind? Kind, string Text)> Spans(int request = -1) =>
        Requests[request < 0 ? Requests.Count + request : request].Spans!.Select(s => (s.Kind, s.Text!)).ToList();

    /// <summary>The segments of a request as (kind, text, id) triples.</summary>
    public List<(SegmentKind Kind, string Text, string? Id)> Segments(int request = -1) =>
        Requests[request < 0 ? Requests.Count + request : request].Spans!.Where(s => s.IsSegment).Select(s => (s.Kind!.Value, s.Text!, s.SegmentId)).ToList();

    /// <summary>The whole prompt text of a request.</summary>
    public string PromptText(int request = -1) => string.Concat(Spans(request).Select(s => s.Text));
}
