using System.Text.Json.Nodes;
using SparseX.World;

namespace SparseX.Train.Text;

/// <summary>
/// A thread-safe managed encoder for the project's <c>WordLevel</c> tokenizer: special tokens, then GPT-2
/// byte-level pre-tokens looked up in the vocabulary (unknown ones map to <c>&lt;unk&gt;</c>). It gives the
/// same ids as the Hugging Face tokenizer (tested) without its native lock, so training data is tokenized on
/// every core.
/// </summary>
public sealed class WordLevelEncoder
{
    private readonly Dictionary<string, int> _vocab;
    private readonly (string Token, int Id)[] _special;
    private readonly int _unk;

    private WordLevelEncoder(Dictionary<string, int> vocab)
    {
        _vocab = vocab;
        _special = WordTokenizerBuilder.SpecialTokens.Select(t => (t, vocab[t])).ToArray();
        _unk = vocab["<unk>"];
    }

    /// <summary>Loads the vocabulary of a <c>tokenizer.json</c> written by <see cref="WordTokenizerBuilder"/>.</summary>
    /// <param name="directory">The directory holding <c>tokenizer.json</c>.</param>
    /// <returns>The encoder.</returns>
    public static WordLevelEncoder Load(string directory)
    {
        JsonObject vocab = JsonNode.Parse(File.ReadAllText(Path.Combine(directory, "tokenizer.json")))!["model"]!["vocab"]!.AsObject();
        return new WordLevelEncoder(vocab.ToDictionary(kv => kv.Key, kv => (int)kv.Value!, StringComparer.Ordinal));
    }

    /// <summary>Encodes text; special tokens written in it map to their ids.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The ids.</returns>
    public int[] Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>();
        int start = 0;
        while (start < text.Length)
        {
            int next = text.IndexOf("<|", start, StringComparison.Ordinal);
            (string Token, int Id) hit = default;
            while (next >= 0)
            {
                hit = _special.FirstOrDefault(s => string.CompareOrdinal(text, next, s.Token, 0, s.Token.Length) == 0);
                if (hit.Token is not null)
                {
                    break;
                }

                next = text.IndexOf("<|", next + 1, StringComparison.Ordinal);
            }

            int end = next < 0 ? text.Length : next;
            if (end > start)
            {
                foreach (string piece in ByteLevel.PreTokenize(text[start..end]))
                {
                    ids.Add(_vocab.TryGetValue(piece, out int id) ? id : _unk);
                }
            }

            if (next < 0)
            {
                break;
            }

            ids.Add(hit.Id);
            start = next + hit.Token!.Length;
        }

        return ids.ToArray();
    }
}
