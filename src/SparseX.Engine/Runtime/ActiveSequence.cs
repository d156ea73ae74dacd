using System.Diagnostics;
using System.Threading.Channels;
using SparseX.Engine.Cache;
using SparseX.Engine.Reuse;
using SparseX.Engine.Text;

namespace SparseX.Engine.Runtime;

/// <summary>
/// A request being decoded: its tokens, blocks and streaming state (sampler, detokenizer, stop strings).
/// Owned by the engine thread.
/// </summary>
internal sealed class ActiveSequence : IDisposable
{
    private readonly ChannelWriter<GenerationUpdate> _output;
    private readonly Sampler _sampler;
    private readonly StreamingDetokenizer _detokenizer;
    private readonly StopSequenceMatcher _stops;
    private readonly HashSet<int> _stopIds;
    private readonly Stopwatch _clock;
    private readonly int _maxNew;
    private readonly int _requestedMax;
    private ReuseReport _report;
    private GenerationUpdate? _final;
    private Exception? _error;
    private TimeSpan _ttft;
    private int _generated;

    public ActiveSequence(
        int[] prompt,
        GenerationOptions options,
        BlockTable table,
        HfTokenizer tokenizer,
        IEnumerable<int> eosIds,
        int contextLength,
        ReuseReport report,
        Stopwatch clock,
        ChannelWriter<GenerationUpdate> output,
        CancellationToken cancellationToken)
    {
        Tokens = prompt.ToList();
        Table = table;
        CancellationToken = cancellationToken;
        _output = output;
        _report = report;
        _clock = clock;
        _sampler = new Sampler(options);
        _detokenizer = new StreamingDetokenizer(tokenizer);
        _stops = new StopSequenceMatcher(options.StopSequences);
        _stopIds = new HashSet<int>(options.StopTokenIds);
        if (!options.IgnoreEos)
        {
            _stopIds.UnionWith(eosIds);
        }

        _requestedMax = options.MaxNewTokens;
        _maxNew = Math.Min(options.MaxNewTokens, contextLength - prompt.Length);
    }

    /// <summary>Gets the prompt and the tokens generated so far.</summary>
    public List<int> Tokens { get; }

    /// <summary>Gets or sets the sequence's blocks (replaced when the sequence is preempted and resumed).</summary>
    public BlockTable Table { get; set; }

    /// <summary>Gets the request's cancellation.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>Gets a value indicating whether the sequence has finished (its stream is complete).</summary>
    public bool Finished { get; private set; }

    /// <summary>Records the time of the first token's logits.</summary>
    public void MarkFirstToken() => _ttft = _clock.Elapsed;

    /// <summary>Samples from the last logits, streams the token, and finishes the sequence when a stop condition holds.</summary>
    /// <param name="logits">The last row's logits.</param>
    public void Accept(ReadOnlySpan<float> logits)
    {
        int next = _sampler.Next(logits);
        if (_stopIds.Contains(next))
        {
            Finish(FinishReason.EndOfSequence);
            return;
        }

        Tokens.Add(next);
        _generated++;
        _output.TryWrite(new GenerationUpdate(_stops.Append(_detokenizer.Push(next)), new[] { next }));
        if (_stops.Stopped)
        {
            Finish(FinishReason.StopSequence);
        }
        else if (_generated >= _maxNew)
        {
            Finish(_maxNew < _requestedMax ? FinishReason.ContextFull : FinishReason.MaxTokens);
        }
    }

    /// <summary>Finishes the sequence with an error (cancellation included); the stream ends with it on <see cref="Dispose"/>.</summary>
    /// <param name="error">The error.</param>
    public void Fail(Exception error)
    {
        if (!Finished)
        {
            Finished = true;
            _error = error;
        }
    }

    /// <summary>
    /// Releases the sequence's blocks, then ends a finished sequence's stream (its last update, or its error). In this order,
    /// a caller that has seen the end of its stream sees the blocks free and — the engine leaves its counts updated before
    /// disposing — the sequence no longer running.
    /// </summary>
    public void Dispose()
    {
        Table.Dispose();
        if (Finished)
        {
            if (_final is { } last)
            {
                _output.TryWrite(last);
                _final = null;
            }

            _output.TryComplete(_error);
        }
    }

    private void Finish(FinishReason reason)
    {
        string tail = _stops.Append(_detokenizer.Flush()) + _stops.Flush();
        _report = _report with { TimeToFirstToken = _ttft, Decode = _clock.Elapsed - _ttft };
        _final = new GenerationUpdate(tail, Array.Empty<int>(), reason, _report);
        Finished = true;
    }
}
