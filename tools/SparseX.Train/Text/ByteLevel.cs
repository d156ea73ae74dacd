using System.Text;
using System.Text.RegularExpressions;

namespace SparseX.Train.Text;

/// <summary>
/// The GPT-2 byte-level pre-tokenization of Hugging Face tokenizers (<c>ByteLevel</c> with <c>use_regex</c>):
/// split with the GPT-2 pattern, then map each UTF-8 byte to a printable character (space → <c>Ġ</c>).
/// </summary>
public static partial class ByteLevel
{
    private static readonly char[] ByteToChar = BuildByteToChar();

    /// <summary>Splits text (without special tokens) into byte-level pre-tokens, as the tokenizer does.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The pre-tokens in byte-level characters.</returns>
    public static IEnumerable<string> PreTokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (Match m in Gpt2Pattern().Matches(text))
        {
            yield return Map(m.Value);
        }
    }

    /// <summary>Maps a string's UTF-8 bytes to byte-level characters.</summary>
    /// <param name="piece">The string.</param>
    /// <returns>The byte-level string.</returns>
    public static string Map(string piece)
    {
        var sb = new StringBuilder();
        foreach (byte b in Encoding.UTF8.GetBytes(piece))
        {
            sb.Append(ByteToChar[b]);
        }

        return sb.ToString();
    }

    private static char[] BuildByteToChar()
    {
        var map = new char[256];
        var direct = new bool[256];
        for (int b = '!'; b <= '~'; b++)
        {
            direct[b] = true;
        }

        for (int b = 0xA1; b <= 0xAC; b++)
        {
            direct[b] = true;
        }

        for (int b = 0xAE; b <= 0xFF; b++)
        {
            direct[b] = true;
        }

        int n = 0;
        for (int b = 0; b < 256; b++)
        {
            map[b] = direct[b] ? (char)b : (char)(256 + n++);
        }

        return map;
    }

    [GeneratedRegex(@"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+")]
    private static partial Regex Gpt2Pattern();
}
