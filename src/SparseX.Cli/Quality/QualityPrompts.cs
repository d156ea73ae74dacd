using SparseX.Engine.Reuse;
using SparseX.Engine.Text;
using SparseX.Engine.Text.Templates;
using SparseX.World;

namespace SparseX.Cli.Quality;

/// <summary>
/// Builds the benchmark's requests with the model's own chat template (<see cref="ChatTemplate.RenderSpans"/>, as the
/// connector does): message contents that are documents become <see cref="SegmentKind.Document"/> segments, everything
/// else (template glue, system prompt, question, tool call) is plain text, computed in every mode.
/// </summary>
internal sealed class QualityPrompts
{
    /// <summary>Sample indices of the conversations whose documents serve as distractors in the warm-ups.</summary>
    public const long DistractorOffset = 1_000_000;

    private readonly ChatTemplate _template;
    private readonly HfTokenizer _tokenizer;
    private readonly int _maxTokens;

    /// <summary>Initializes a new instance of the <see cref="QualityPrompts"/> class.</summary>
    /// <param name="template">The model's chat template.</param>
    /// <param name="tokenizer">The model's tokenizer.</param>
    /// <param name="maxTokens">The longest warm-up request (the model's context).</param>
    public QualityPrompts(ChatTemplate template, HfTokenizer tokenizer, int maxTokens)
    {
        _template = template;
        _tokenizer = tokenizer;
        _maxTokens = maxTokens;
    }

    /// <summary>Builds question <paramref name="index"/> of a held-out corpus.</summary>
    /// <param name="corpus">The held-out corpus.</param>
    /// <param name="index">The sample index.</param>
    /// <param name="keyOf">The segment store's content key (<see cref="SparseX.Engine.Cache.SegmentStore.KeyOf"/>).</param>
    /// <param name="isolated">Cache each document in a warm-up of its own (<see cref="QualityOptions.Isolated"/>).</param>
    /// <returns>The question with its evaluated request and warm-ups.</returns>
    public QualityQuestion Build(CorpusGenerator corpus, long index, Func<int[], string> keyOf, bool isolated = false)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        Conversation conversation = corpus.Sample(index);
        Conversation distractor = corpus.Sample(DistractorOffset + index);
        RequestLayout evaluated = Layout(conversation.PromptMessages(), conversation.Documents, keyOf);

        // Warm-ups: the other prompt format (hence the other system prompt), this conversation's documents
        // shuffled and split in two, each half interleaved with half of another conversation's documents.
        var rng = new Random(unchecked((int)((index * 7919) + 17)));
        string[] own = Shuffled(conversation.Documents, rng);
        string[] others = distractor.Documents.Where(d => !conversation.Documents.Contains(d)).ToArray();
        int half = (own.Length + 1) / 2;
        int otherHalf = (others.Length + 1) / 2;
        var warmUps = new List<RequestLayout>();
        var orders = new List<int[]>();
        IEnumerable<(string[] Mine, string[] Theirs)> parts = isolated
            ? own.Select(d => (new[] { d }, Array.Empty<string>()))
            : [(own[..half], others[..otherHalf]), (own[half..], others[otherHalf..])];
        foreach ((string[] mine, string[] theirs) in parts)
        {
            if (mine.Length > 0)
            {
                (RequestLayout layout, List<string> documents) = WarmUp(conversation, distractor, mine, theirs, rng, keyOf);
                warmUps.Add(layout);
                orders.Add(documents.Select(d => conversation.Documents.ToList().IndexOf(d)).ToArray());
            }
        }

        return new QualityQuestion(index, conversation, evaluated, warmUps, orders);
    }

    /// <summary>A warm-up request with <paramref name="mine"/> in order and as many of <paramref name="theirs"/> inserted as fit,
    /// and its documents in order.</summary>
    private (RequestLayout Layout, List<string> Documents) WarmUp(Conversation conversation, Conversation distractor, string[] mine, string[] theirs, Random rng, Func<int[], string> keyOf)
    {
        var documents = mine.ToList();
        RequestLayout layout = Layout(WarmUpMessages(conversation, distractor, documents), documents, keyOf);
        foreach (string other in theirs)
        {
            var candidate = new List<string>(documents);
            candidate.Insert(rng.Next(candidate.Count + 1), other);
            RequestLayout longer = Layout(WarmUpMessages(conversation, distractor, candidate), candidate, keyOf);
            if (longer.TokenIds.Length <= _maxTokens)
            {
                documents = candidate;
                layout = longer;
            }
        }

        return (layout, documents);
    }

    /// <summary>The other format than the conversation's: tool results after the tool system prompt, or user documents after the document one.</summary>
    /// <remarks>A merged conversation's warm-ups merge their documents too.</remarks>
    private static List<ChatMessage> WarmUpMessages(Conversation conversation, Conversation distractor, IReadOnlyList<string> documents)
    {
        QuestionAnswer question = distractor.First;
        var messages = new List<ChatMessage>();
        string role = conversation.UsesTool ? "user" : "tool";
        if (conversation.UsesTool)
        {
            messages.Add(new("system", CorpusGenerator.DocumentSystemPrompt));
        }
        else
        {
            messages.Add(new("system", CorpusGenerator.ToolSystemPrompt));
            messages.Add(new("user", question.Question));
            messages.Add(new("assistant", CorpusGenerator.ToolCall(question.Query)));
        }

        messages.AddRange(conversation.Merged
            ? [new ChatMessage(role, CorpusGenerator.MergeDocuments(documents))]
            : documents.Select(d => new ChatMessage(role, d)));
        if (conversation.UsesTool)
        {
            messages.Add(new("user", CorpusGenerator.QuestionPrefix + question.Question));
        }

        return messages;
    }

    /// <summary>Renders messages with a generation prompt; contents in <paramref name="documents"/> become segments.</summary>
    private RequestLayout Layout(IReadOnlyList<ChatMessage> messages, IEnumerable<string> documents, Func<int[], string> keyOf)
    {
        var isDocument = new HashSet<string>(documents, StringComparer.Ordinal);
        TemplateRendering rendering = _template.RenderSpans(messages.Select(m => new TemplateMessage(m.Role, m.Content)).ToList(), addGenerationPrompt: true);
        if (!rendering.BoundariesKnown)
        {
            throw new InvalidOperationException("The model's chat template transforms message contents; document boundaries are unknown.");
        }

        var spans = new List<PromptSpan>();
        foreach (TemplateSpan span in rendering.Spans)
        {
            // A message holds one document, or (merged) several, each ended by the separator, which its segment keeps.
            string[] parts = [];
            string end = "";
            if (span.Kind == TemplateSpanKind.MessageContent && messages[span.MessageIndex].Role != "system")
            {
                bool merged = span.Text.EndsWith(CorpusGenerator.MergedSeparator, StringComparison.Ordinal);
                end = merged ? CorpusGenerator.MergedSeparator : "";
                parts = merged ? span.Text[..^end.Length].Split(CorpusGenerator.MergedSeparator) : [span.Text];
            }

            if (parts.Length == 0 || !parts.All(isDocument.Contains))
            {
                spans.Add(PromptSpan.Plain(span.Text));
                continue;
            }

            for (int p = 0; p < parts.Length; p++)
            {
                spans.Add(PromptSpan.Segment(SegmentKind.Document, parts[p] + end, $"doc-{span.MessageIndex}-{p}"));
            }
        }

        return RequestLayout.Build(spans, text => _tokenizer.Encode(text), keyOf);
    }

    /// <summary>A shuffle in which, where possible, no document follows the document it follows in the original order.</summary>
    private static string[] Shuffled(IReadOnlyList<string> documents, Random rng)
    {
        string[] best = documents.ToArray();
        int bestKept = int.MaxValue;
        for (int attempt = 0; attempt < 32 && bestKept > 0; attempt++)
        {
            string[] order = documents.ToArray();
            rng.Shuffle(order);
            int kept = Enumerable.Range(1, order.Length - 1).Count(i => Follows(documents, order[i - 1], order[i]));
            if (kept < bestKept)
            {
                (best, bestKept) = (order, kept);
            }
        }

        return best;
    }

    private static bool Follows(IReadOnlyList<string> documents, string before, string after)
    {
        for (int i = 1; i < documents.Count; i++)
        {
            if (documents[i] == after && documents[i - 1] == before)
            {
                return true;
            }
        }

        return false;
    }
}
