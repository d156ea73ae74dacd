namespace SparseX.World;

/// <summary>A retrieved document under construction: sentences, of which the key ones are never trimmed.</summary>
internal sealed class Document
{
    public List<(string Text, bool Key)> Sentences { get; } = [];

    public void Key(string sentence) => Sentences.Add((sentence, true));

    /// <summary>Sentences that restate this document's own facts, appended after the fillers (trimmed first).</summary>
    public List<string> Echoes { get; } = [];

    /// <summary>Key sentences that restate whom the document is about, appended at its very end (<see cref="WorldVersion.V4"/>).</summary>
    public List<string> Summaries { get; } = [];

    /// <summary>Hint sentences added at the end (trimmed first) with the answer each one ends with.</summary>
    public List<(string Sentence, string Answer)> Hints { get; } = [];

    public string Text => string.Join(" ", Sentences.Select(s => s.Text));

    /// <summary>Where the answers of the hint sentences still in the document are in <see cref="Text"/>, each from the
    /// space before it.</summary>
    public IReadOnlyList<Range> HintAnswers()
    {
        string text = Text;
        var spans = new List<Range>();
        foreach (var (sentence, answer) in Hints)
        {
            int at = Sentences.Any(s => s.Text == sentence) ? text.LastIndexOf(sentence, StringComparison.Ordinal) : -1;
            if (at >= 0)
            {
                int start = at + sentence.Length - " .".Length - answer.Length - 1;
                spans.Add(start..(start + 1 + answer.Length));
            }
        }

        return [.. spans.OrderBy(r => r.Start.Value)];
    }
}
