using System.Runtime.InteropServices;

namespace SparseX.Engine.Text;

/// <summary>
/// Turns generated token ids into text as they arrive. Each <see cref="Push"/> returns only newly completed
/// text, never part of a multi-byte character whose bytes are spread over several tokens; after
/// <see cref="Flush"/>, the concatenation of all returned pieces equals
/// <see cref="HfTokenizer.Decode"/> of all pushed ids. Not thread-safe: one instance per sequence.
/// </summary>
/// <remarks>
/// Each push decodes a short window, not the whole sequence: the tokens of the last emitted piece (the
/// prefix, which gives decoders such as SentencePiece's the context they use for spacing) plus those not
/// yet emitted, and returns the window's text beyond the prefix's text. While that text ends in U+FFFD the
/// last token may have cut a character, so nothing is returned and the tokens wait for the next push. After
/// <see cref="MaxHeldTokens"/> waiting tokens the text is returned anyway: so many tokens without a complete
/// character mean invalid bytes, which <see cref="HfTokenizer.Decode"/> also renders as U+FFFD.
/// </remarks>
public sealed class StreamingDetokenizer
{
    /// <summary>How many tokens may wait for a character to complete before their text is returned anyway.</summary>
    public const int MaxHeldTokens = 16;

    private readonly HfTokenizer _tokenizer;
    private readonly bool _skipSpecialTokens;

    // The window: the prefix tokens [0, _prefixCount), whose text _prefixText was already returned, followed by
    // the tokens not returned yet.
    private readonly List<int> _window = [];
    private int _prefixCount;
    private string _prefixText = string.Empty;

    /// <summary>Creates a detokenizer for one sequence of generated ids.</summary>
    /// <param name="tokenizer">The tokenizer that produced the ids.</param>
    /// <param name="skipSpecialTokens">Whether to leave out special tokens, as in <see cref="HfTokenizer.Decode"/>.</param>
    public StreamingDetokenizer(HfTokenizer tokenizer, bool skipSpecialTokens = false)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        _tokenizer = tokenizer;
        _skipSpecialTokens = skipSpecialTokens;
    }

    /// <summary>Adds the next token id.</summary>
    /// <param name="id">The token id.</param>
    /// <returns>The text this token completes; empty while a character is still incomplete.</returns>
    public string Push(int id)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(id);
        _window.Add(id);
        var text = Decode();
        if (text.EndsWith('\uFFFD') && _window.Count - _prefixCount < MaxHeldTokens)
        {
            return string.Empty;
        }

        var delta = Tail(text);
        _window.RemoveRange(0, _prefixCount);
        _prefixCount = _window.Count;
        _prefixText = Decode();
        return delta;
    }

    /// <summary>Returns the text of the tokens still waiting (which may end in U+FFFD) and starts afresh.</summary>
    /// <returns>The remaining text; empty if nothing is waiting.</returns>
    public string Flush()
    {
        var delta = _window.Count > _prefixCount ? Tail(Decode()) : string.Empty;
        _window.Clear();
        _prefixCount = 0;
        _prefixText = string.Empty;
        return delta;
    }

    private string Decode() => _tokenizer.Decode(CollectionsMarshal.AsSpan(_window), _skipSpecialTokens);

    private string Tail(string text) => text.Length > _prefixText.Length ? text[_prefixText.Length..] : string.Empty;
}
