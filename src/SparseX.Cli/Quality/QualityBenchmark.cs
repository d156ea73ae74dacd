using System.Diagnostics;
using SparseX.Engine.Model;
using SparseX.Engine.Reuse;
using SparseX.Engine.Text;
using SparseX.Engine.Text.Templates;
using SparseX.World;
using static TorchSharp.torch;

namespace SparseX.Cli.Quality;

/// <summary>
/// The cross-segment quality benchmark (issue 8): held-out questions whose documents refer to each other, each
/// evaluated request built with the model's chat template and run after warm-up requests that cached its documents
/// in other orders and contexts. Per question the full prefill runs once (reference answer, first-token
/// distribution, KV for the oracle); every configuration then runs on the same harness, with the prefix cache
/// cleared before it so no configuration inherits another's exact blocks.
/// </summary>
internal sealed class QualityBenchmark
{
    private readonly DecoderModel _model;
    private readonly HfTokenizer _tokenizer;
    private readonly QualityPrompts _prompts;
    private readonly HashSet<int> _stops;

    /// <summary>Initializes a new instance of the <see cref="QualityBenchmark"/> class.</summary>
    /// <param name="model">The model.</param>
    /// <param name="tokenizer">Its tokenizer.</param>
    /// <param name="template">Its chat template.</param>
    public QualityBenchmark(DecoderModel model, HfTokenizer tokenizer, ChatTemplate template)
    {
        _model = model;
        _tokenizer = tokenizer;
        _prompts = new QualityPrompts(template, tokenizer, model.Config.MaxPositionEmbeddings);
        _stops = [.. tokenizer.EosTokenIds, .. model.Config.EosTokenIds];
        if (tokenizer.TokenToId(ChatMl.ImEnd) is int imEnd)
        {
            _stops.Add(imEnd);
        }
    }

    /// <summary>Runs the grid.</summary>
    /// <param name="options">What to run.</param>
    /// <param name="progress">Called after each question with (done, total).</param>
    /// <param name="answers">Called after each question with every configuration's answer (<c>--answers</c>).</param>
    /// <returns>One result per configuration, in grid order.</returns>
    public IReadOnlyList<QualityResult> Run(QualityOptions options, Action<int, int>? progress = null, Action<QualityAnswers>? answers = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (QualityConfiguration c in options.Configurations.Where(c => c.Mode == ReuseMode.Reuse))
        {
            c.ToPolicy().Validate(_model.NumLayers);
        }

        var corpus = new CorpusGenerator(options.Seed, CorpusSplit.HeldOut, text => _tokenizer.Encode(text).Length, options.MaxPromptTokens ?? _model.Config.MaxPositionEmbeddings, version: options.World)
        {
            MergedShare = options.Merged ? 1 : 0,
        };
        var tallies = options.Configurations.Select(c => new QualityTally(c)).ToList();
        long index = 0;
        for (int q = 0; q < options.Questions; q++, index++)
        {
            index = NextIndex(corpus, index, options.Kinds);
            QualityAnswers given = RunQuestion(corpus, index, tallies, options.MaxNewTokens, options.Isolated);
            answers?.Invoke(given);
            progress?.Invoke(q + 1, options.Questions);
        }

        return tallies.Select(t => t.ToResult()).ToList();
    }

    /// <summary>The first sample index from <paramref name="index"/> on whose question is of one of <paramref name="kinds"/>.</summary>
    private static long NextIndex(CorpusGenerator corpus, long index, IReadOnlyCollection<QuestionKind>? kinds)
    {
        if (kinds is null)
        {
            return index;
        }

        for (long i = index; i < index + 10_000; i++)
        {
            if (kinds.Contains(corpus.Sample(i).Kind))
            {
                return i;
            }
        }

        throw new InvalidOperationException($"No question of the kinds {string.Join(", ", kinds)} in 10,000 samples from {index} on.");
    }

    private QualityAnswers RunQuestion(CorpusGenerator corpus, long index, List<QualityTally> tallies, int maxNewTokens, bool isolated)
    {
        using var scope = NewDisposeScope();
        using var harness = new ReuseHarness(_model, blockSize: 16, blocks: 512, segmentBytes: 256L * 1024 * 1024);
        QualityQuestion question = _prompts.Build(corpus, index, ids => harness.Segments.KeyOf("default", ids), isolated);

        // 1. Earlier requests put the documents into the segment store (other order, other prefix, other neighbours).
        foreach (RequestLayout warmUp in question.WarmUps)
        {
            harness.FirstLogits(warmUp, new ReusePolicy { Mode = ReuseMode.FullPrefill }, out _).Dispose();
        }

        int missing = question.Evaluated.Segments.Count(s => !harness.Segments.Contains("default", s.Key));
        if (missing > 0)
        {
            throw new InvalidOperationException($"Question {index}: {missing} document(s) of the evaluated request are not in the segment store after the warm-ups.");
        }

        // 2. The reference, once per question (it stores nothing new: every document is stored already).
        var clock = Stopwatch.StartNew();
        harness.ResetPrefixCache();
        using GreedyRun full = harness.Decode(question.Evaluated, new ReusePolicy { Mode = ReuseMode.FullPrefill }, maxNewTokens, _stops, captureKv: true);
        double fullSeconds = clock.Elapsed.TotalSeconds;
        bool fullCorrect = IsCorrect(full.Tokens, question.Answer);
        var given = new Dictionary<string, string>();
        var deviations = new Dictionary<int, SortedDictionary<int, double>>();

        // 3. Every configuration on the same stores, from an empty prefix cache.
        foreach (QualityTally tally in tallies)
        {
            QualityConfiguration c = tally.Configuration;
            if (c.Mode == ReuseMode.FullPrefill)
            {
                tally.Add(question.Kind, fullCorrect, fullCorrect, 0, null, full.Report, fullSeconds);
                given[c.Name] = AnswerText(full.Tokens);
                continue;
            }

            harness.ResetPrefixCache();
            clock.Restart();
            using GreedyRun run = harness.Decode(question.Evaluated, c.ToPolicy(), maxNewTokens, _stops);
            double seconds = clock.Elapsed.TotalSeconds;
            double? recall = null;
            if (c.Mode == ReuseMode.Reuse)
            {
                int f = c.FullLayers!.Value;
                if (!deviations.TryGetValue(f, out SortedDictionary<int, double>? deviation))
                {
                    deviation = ReuseOracle.Deviation(harness, question.Evaluated, full.Keys!, full.Values!, f, run.Report.PrefixHitTokens);
                    deviations[f] = deviation;
                }

                if (run.Report.ReusedTokens == 0 || run.Report.ReusedTokens != deviation.Count)
                {
                    throw new InvalidOperationException(
                        $"Question {index}, {c.Name}: the evaluated request reused {run.Report.ReusedTokens} tokens; its documents hold {deviation.Count}.");
                }

                if (c.Selects && f < _model.NumLayers)
                {
                    recall = ReuseOracle.Recall(run.Report.RecomputedPositions, ReuseOracle.Top(deviation, c.Budget!.Value));
                }
            }

            tally.Add(question.Kind, IsCorrect(run.Tokens, question.Answer), fullCorrect, ReuseQuality.KlDivergence(full.FirstLogits, run.FirstLogits), recall, run.Report, seconds);
            given[c.Name] = AnswerText(run.Tokens);
        }

        return new QualityAnswers(index, question.Kind, question.Answer, question.Conversation.Documents, question.WarmUpOrders, given);
    }

    /// <summary>The greedy answer (up to a stop token, special tokens dropped, trimmed) equals the expected answer.</summary>
    private bool IsCorrect(int[] tokens, string answer) => string.Equals(AnswerText(tokens), answer.Trim(), StringComparison.Ordinal);

    /// <summary>The greedy answer's text: up to a stop token, special tokens dropped, trimmed.</summary>
    private string AnswerText(int[] tokens)
    {
        int end = tokens.Length > 0 && _stops.Contains(tokens[^1]) ? tokens.Length - 1 : tokens.Length;
        return _tokenizer.Decode(tokens.AsSpan(0, end), skipSpecialTokens: true).Trim();
    }
}
