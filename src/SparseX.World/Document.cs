namespace SparseX.World;

/// <summary>A retrieved document under construction: sentences, of which the key ones are never trimmed.</summary>
internal sealed class Document
{
    public List<(string Text, bool Key)> Sentences { get; } = [];

    public void Key(string sentence) => Sentences.Add((sentence, true));

    /// <summary>Sentences that restate this document's own facts, appended after the fillers (trimmed first).</summary>
    public List<string> Echoes { get; } = [];

    public string Text => string.Join(" ", Sentences.Select(s => s.Text));
}
