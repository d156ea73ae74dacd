using System.Collections.Concurrent;
using System.ComponentModel;
using SparseX.World;
using AIContent = Microsoft.Extensions.AI.AIContent;
using AITextContent = Microsoft.Extensions.AI.TextContent;

namespace SparseX.Samples.Agents;

/// <summary>
/// An in-memory document store over the world's conversations (the librarian's <c>search</c> tool). A search returns
/// the documents of the conversation that best matches the query, in that conversation's order: order matters, since
/// "The company above …" refers to the document before it.
/// </summary>
internal sealed class DocumentStore(IReadOnlyList<Conversation> conversations)
{
    private readonly ConcurrentQueue<SearchRecord> _searches = new();

    /// <summary>Gets every call of the <c>search</c> tool, in order.</summary>
    public IReadOnlyList<SearchRecord> Searches => _searches.ToArray();

    /// <summary>
    /// The tool the model calls (a Semantic Kernel function): one text content per document, which the connector
    /// renders as one tool message — one segment — per document, the format the demo model is trained on.
    /// </summary>
    [Description("Searches the documents and returns those about the query.")]
    public IList<AIContent> Search([Description("What to search for")] string query)
    {
        IReadOnlyList<string> documents = Retrieve(query);
        _searches.Enqueue(new SearchRecord(query, documents));
        return documents.Select(d => (AIContent)new AITextContent(d)).ToList();
    }

    /// <summary>The documents of the best matching conversation, in its order; none when no query word matches.</summary>
    /// <param name="query">The query: an entity name (a company, product or person) or other words.</param>
    public IReadOnlyList<string> Retrieve(string query)
    {
        ArgumentNullException.ThrowIfNull(query);
        string[] words = query.Split([' ', ',', '?', '.', '"'], StringSplitOptions.RemoveEmptyEntries).Where(w => w.Length > 2).ToArray();
        var best = conversations
            .Select((c, i) => (Conversation: c, Index: i, Score: Score(c, query, words)))
            .Where(x => x.Score > 0)
            .OrderByDescending(x => x.Score)
            .ThenBy(x => x.Index)
            .FirstOrDefault();
        return best.Conversation?.Documents ?? [];
    }

    // The whole query as a phrase counts most; then each of its words.
    private static int Score(Conversation c, string query, string[] words)
    {
        string text = string.Join("\n", c.Documents);
        int phrase = query.Trim().Length > 0 && text.Contains(query.Trim(), StringComparison.OrdinalIgnoreCase) ? 100 : 0;
        return phrase + words.Count(w => text.Contains(w, StringComparison.OrdinalIgnoreCase));
    }
}
