namespace SparseX.Samples.Agents;

/// <summary>
/// Another order of a conversation's documents that means the same: the world's only order rule is that a document
/// starting "The company above" or "The person above" refers to the document just before it, so documents move in
/// blocks (a document with the ones that refer back to it), and the blocks may come in any order.
/// </summary>
internal static class DocumentOrder
{
    /// <summary>The documents with their blocks in reverse order.</summary>
    /// <param name="documents">The documents in the conversation's order.</param>
    public static IReadOnlyList<string> ReverseBlocks(IReadOnlyList<string> documents)
    {
        var blocks = new List<List<string>>();
        foreach (string d in documents)
        {
            if (blocks.Count > 0 && RefersBack(d))
            {
                blocks[^1].Add(d);
            }
            else
            {
                blocks.Add([d]);
            }
        }

        blocks.Reverse();
        return blocks.SelectMany(b => b).ToList();
    }

    private static bool RefersBack(string document) =>
        document.StartsWith("The company above", StringComparison.Ordinal) || document.StartsWith("The person above", StringComparison.Ordinal);
}
