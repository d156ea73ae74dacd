using System.ComponentModel;

namespace SparseX.Samples.Agents;

/// <summary>An in-memory document store with keyword search (the librarian's <c>search</c> tool).</summary>
internal sealed class DocumentStore(IReadOnlyList<WorldDocument> documents)
{
    private int _toolCalls;

    /// <summary>Gets how often the model called the <c>search</c> tool.</summary>
    public int ToolCalls => Volatile.Read(ref _toolCalls);

    /// <summary>The tool the model may call (exposed as a Semantic Kernel function).</summary>
    [Description("Searches the document store and returns the best matching documents.")]
    public string Search([Description("Keywords to search for")] string query, [Description("How many documents")] int top = 3)
    {
        Interlocked.Increment(ref _toolCalls);
        return string.Join("\n", Retrieve(query, top).Select(d => d.Text));
    }

    /// <summary>Ranks documents by how many query words their id and text contain; ties keep the store's order.</summary>
    public IReadOnlyList<WorldDocument> Retrieve(string query, int top)
    {
        string[] words = query.Split([' ', ',', '?', '.', '\''], StringSplitOptions.RemoveEmptyEntries)
            .Where(w => w.Length > 2)
            .Select(w => w.ToLowerInvariant())
            .Distinct()
            .ToArray();
        return documents
            .Select((d, i) => (Doc: d, Index: i, Score: words.Count(w => d.Id.Contains(w, StringComparison.OrdinalIgnoreCase)) * 2 + words.Count(w => d.Text.Contains(w, StringComparison.OrdinalIgnoreCase))))
            .Where(x => x.Score > 0)
            .OrderByDescending(x => x.Score)
            .ThenBy(x => x.Index)
            .Take(top)
            .Select(x => x.Doc)
            .ToList();
    }
}
