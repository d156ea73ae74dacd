using System.Globalization;
using System.Text;

namespace SparseX.Engine.Text.Templates;

/// <summary>
/// Python <c>str</c> semantics the templates rely on: whitespace per <c>str.isspace</c>, indexing and slicing
/// by code point, <c>strip</c>/<c>split</c>/<c>replace</c>/<c>title</c> and <c>repr</c>.
/// </summary>
internal static class PyText
{
    /// <summary>Python's <c>str.isspace</c> for one UTF-16 unit.</summary>
    public static bool IsSpace(char c) => c is (>= '\t' and <= '\r') or (>= '\x1c' and <= '\x1f') or ' ' || char.IsWhiteSpace(c);

    /// <summary>Whether every character is whitespace (false for empty).</summary>
    public static bool IsAllSpace(string s) => s.Length > 0 && s.All(IsSpace);

    /// <summary><c>s.strip(chars)</c>.</summary>
    public static string Strip(string s, string? chars = null) => RStrip(LStrip(s, chars), chars);

    /// <summary><c>s.lstrip(chars)</c>.</summary>
    public static string LStrip(string s, string? chars = null)
    {
        int i = 0;
        while (i < s.Length && (chars is null ? IsSpace(s[i]) : chars.Contains(s[i])))
        {
            i++;
        }

        return s[i..];
    }

    /// <summary><c>s.rstrip(chars)</c>.</summary>
    public static string RStrip(string s, string? chars = null)
    {
        int i = s.Length;
        while (i > 0 && (chars is null ? IsSpace(s[i - 1]) : chars.Contains(s[i - 1])))
        {
            i--;
        }

        return s[..i];
    }

    private static bool HasSurrogates(string s)
    {
        foreach (char c in s)
        {
            if (char.IsSurrogate(c))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The code points of <paramref name="s"/>, each as a string (Python iterates a str this way).</summary>
    public static List<string> CodePoints(string s)
    {
        var result = new List<string>(s.Length);
        for (int i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                result.Add(s.Substring(i++, 2));
            }
            else
            {
                result.Add(s[i].ToString());
            }
        }

        return result;
    }

    /// <summary><c>len(s)</c>: the number of code points.</summary>
    public static int Length(string s) => HasSurrogates(s) ? CodePoints(s).Count : s.Length;

    /// <summary><c>s[index]</c>, or null when out of range.</summary>
    public static string? Index(string s, long index)
    {
        if (!HasSurrogates(s))
        {
            long i = index < 0 ? index + s.Length : index;
            return i >= 0 && i < s.Length ? s[(int)i].ToString() : null;
        }

        var cps = CodePoints(s);
        long j = index < 0 ? index + cps.Count : index;
        return j >= 0 && j < cps.Count ? cps[(int)j] : null;
    }

    /// <summary><c>s[start:stop:step]</c>.</summary>
    public static string Slice(string s, long? start, long? stop, long? step)
    {
        if (!HasSurrogates(s) && (step ?? 1) == 1)
        {
            var (a, b, _, n) = PySlice.Indices(s.Length, start, stop, step);
            return n == 0 ? "" : s.Substring((int)a, (int)(b - a));
        }

        var cps = CodePoints(s);
        var sb = new StringBuilder();
        foreach (int i in PySlice.Positions(cps.Count, start, stop, step))
        {
            sb.Append(cps[i]);
        }

        return sb.ToString();
    }

    /// <summary><c>s.split(sep, maxsplit)</c>.</summary>
    public static List<object?> Split(string s, string? sep, long maxSplit = -1)
    {
        var result = new List<object?>();
        if (sep is null)
        {
            int i = 0;
            while (true)
            {
                while (i < s.Length && IsSpace(s[i]))
                {
                    i++;
                }

                if (i >= s.Length)
                {
                    break;
                }

                if (maxSplit >= 0 && result.Count >= maxSplit)
                {
                    result.Add(RStrip(s[i..]));
                    break;
                }

                int j = i;
                while (j < s.Length && !IsSpace(s[j]))
                {
                    j++;
                }

                result.Add(s[i..j]);
                i = j;
            }

            return result;
        }

        if (sep.Length == 0)
        {
            throw TemplateValue.Error("ValueError: empty separator");
        }

        int pos = 0;
        while (maxSplit < 0 || result.Count < maxSplit)
        {
            int k = s.IndexOf(sep, pos, StringComparison.Ordinal);
            if (k < 0)
            {
                break;
            }

            result.Add(s[pos..k]);
            pos = k + sep.Length;
        }

        result.Add(s[pos..]);
        return result;
    }

    /// <summary><c>s.rsplit(sep, maxsplit)</c>.</summary>
    public static List<object?> RSplit(string s, string? sep, long maxSplit = -1)
    {
        if (maxSplit < 0)
        {
            return Split(s, sep);
        }

        var result = new List<object?>();
        if (sep is null)
        {
            int end = s.Length;
            while (true)
            {
                while (end > 0 && IsSpace(s[end - 1]))
                {
                    end--;
                }

                if (end == 0)
                {
                    break;
                }

                if (result.Count >= maxSplit)
                {
                    result.Add(LStrip(s[..end]));
                    break;
                }

                int start = end;
                while (start > 0 && !IsSpace(s[start - 1]))
                {
                    start--;
                }

                result.Add(s[start..end]);
                end = start;
            }
        }
        else
        {
            if (sep.Length == 0)
            {
                throw TemplateValue.Error("ValueError: empty separator");
            }

            int end = s.Length;
            while (result.Count < maxSplit)
            {
                int k = end - sep.Length < 0 ? -1 : s.LastIndexOf(sep, end - 1, end, StringComparison.Ordinal);
                if (k < 0 || k + sep.Length > end)
                {
                    break;
                }

                result.Add(s[(k + sep.Length)..end]);
                end = k;
            }

            result.Add(s[..end]);
        }

        result.Reverse();
        return result;
    }

    /// <summary><c>s.replace(old, new, count)</c>.</summary>
    public static string Replace(string s, string oldValue, string newValue, long count = -1)
    {
        if (count < 0 && oldValue.Length > 0)
        {
            return s.Replace(oldValue, newValue, StringComparison.Ordinal);
        }

        var sb = new StringBuilder();
        long done = 0;
        if (oldValue.Length == 0)
        {
            var cps = CodePoints(s);
            for (int i = 0; i <= cps.Count; i++)
            {
                if (count < 0 || done < count)
                {
                    sb.Append(newValue);
                    done++;
                }

                if (i < cps.Count)
                {
                    sb.Append(cps[i]);
                }
            }

            return sb.ToString();
        }

        int pos = 0;
        while (done < count)
        {
            int k = s.IndexOf(oldValue, pos, StringComparison.Ordinal);
            if (k < 0)
            {
                break;
            }

            sb.Append(s, pos, k - pos).Append(newValue);
            pos = k + oldValue.Length;
            done++;
        }

        return sb.Append(s, pos, s.Length - pos).ToString();
    }

    /// <summary><c>s.upper()</c>.</summary>
    public static string Upper(string s) => s.ToUpperInvariant();

    /// <summary><c>s.lower()</c>.</summary>
    public static string Lower(string s) => s.ToLowerInvariant();

    /// <summary><c>s.capitalize()</c>.</summary>
    public static string Capitalize(string s) =>
        s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..].ToLowerInvariant();

    /// <summary><c>s.title()</c> (Python's: a letter after a non-letter starts a word).</summary>
    public static string Title(string s)
    {
        var sb = new StringBuilder(s.Length);
        bool previousCased = false;
        foreach (char c in s)
        {
            bool cased = char.IsLetter(c);
            sb.Append(cased ? (previousCased ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c)) : c);
            previousCased = cased;
        }

        return sb.ToString();
    }

    /// <summary>Python's <c>repr(str)</c>.</summary>
    public static string Repr(string s)
    {
        char quote = s.Contains('\'') && !s.Contains('"') ? '"' : '\'';
        var sb = new StringBuilder(s.Length + 2).Append(quote);
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            switch (c)
            {
                case '\\': sb.Append("\\\\"); continue;
                case '\n': sb.Append("\\n"); continue;
                case '\r': sb.Append("\\r"); continue;
                case '\t': sb.Append("\\t"); continue;
            }

            if (c == quote)
            {
                sb.Append('\\').Append(c);
            }
            else if (c < 0x20 || c == 0x7f)
            {
                sb.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
            }
            else if (c < 0x7f)
            {
                sb.Append(c);
            }
            else if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                int cp = char.ConvertToUtf32(c, s[i + 1]);
                if (IsPrintable(CharUnicodeInfo.GetUnicodeCategory(cp)))
                {
                    sb.Append(c).Append(s[i + 1]);
                }
                else
                {
                    sb.Append("\\U").Append(cp.ToString("x8", CultureInfo.InvariantCulture));
                }

                i++;
            }
            else if (IsPrintable(CharUnicodeInfo.GetUnicodeCategory(c)))
            {
                sb.Append(c);
            }
            else
            {
                sb.Append(c <= 0xff ? "\\x" + ((int)c).ToString("x2", CultureInfo.InvariantCulture) : "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
        }

        return sb.Append(quote).ToString();
    }

    private static bool IsPrintable(UnicodeCategory category) => category is not (UnicodeCategory.Control or UnicodeCategory.Format
        or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned
        or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.SpaceSeparator);
}
