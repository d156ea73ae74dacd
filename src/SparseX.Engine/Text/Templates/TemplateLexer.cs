using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace SparseX.Engine.Text.Templates;

/// <summary>
/// Splits Jinja template source into tokens, applying Jinja 3.1's whitespace control exactly: <c>{%-</c> /
/// <c>-%}</c> style stripping, <c>trim_blocks</c> (drop the first newline after a block or comment tag) and
/// <c>lstrip_blocks</c> (drop spaces and tabs before a block or comment tag that starts a line), which is how
/// Hugging Face transformers configures its renderer. Newlines are normalised to <c>\n</c> and one trailing
/// newline is removed (Jinja's <c>keep_trailing_newline=False</c>).
/// </summary>
internal sealed partial class TemplateLexer
{
    private static readonly string[] Operators =
        ["//", "**", "==", "!=", ">=", "<=", "+", "-", "/", "*", "%", "~", "[", "]", "(", ")", "{", "}", ">", "<", "=", ".", ":", "|", ",", ";"];

    private readonly string _src;
    private readonly bool _trimBlocks;
    private readonly bool _lstripBlocks;
    private readonly List<TemplateToken> _tokens = [];
    private int _pos;
    private int _line = 1;
    private bool _lineStarting = true;

    private TemplateLexer(string source, bool trimBlocks, bool lstripBlocks)
    {
        _src = Normalize(source);
        _trimBlocks = trimBlocks;
        _lstripBlocks = lstripBlocks;
    }

    /// <summary>Tokenizes <paramref name="source"/>; the list always ends with a <see cref="TokenKind.End"/> token.</summary>
    public static List<TemplateToken> Tokenize(string source, bool trimBlocks = true, bool lstripBlocks = true)
    {
        var lexer = new TemplateLexer(source, trimBlocks, lstripBlocks);
        lexer.Run();
        return lexer._tokens;
    }

    [GeneratedRegex(@"\G(?<!\.)(\d+_)*\d+((\.(\d+_)*\d+)?[eE][+\-]?(\d+_)*\d+|\.(\d+_)*\d+)")]
    private static partial Regex FloatRegex();

    [GeneratedRegex(@"\G(0[bB](_?[01])+|0[oO](_?[0-7])+|0[xX](_?[0-9a-fA-F])+|[1-9](_?\d)*|0(_?0)*)")]
    private static partial Regex IntegerRegex();

    [GeneratedRegex(@"\G[-+]?\s*raw\s*(?:-%}\s*|%})")]
    private static partial Regex RawBeginRegex();

    [GeneratedRegex(@"\G(.*?)(\{%([-+]?))\s*endraw\s*(?:\+%}|-%}\s*|%}(\n?))", RegexOptions.Singleline)]
    private static partial Regex RawEndRegex();

    private static string Normalize(string source)
    {
        string s = source.Contains('\r') ? source.Replace("\r\n", "\n").Replace('\r', '\n') : source;
        return s.EndsWith('\n') ? s[..^1] : s;
    }

    private void Run()
    {
        while (_pos < _src.Length)
        {
            int start = FindTagStart(_pos);
            if (start < 0)
            {
                AddText(_src[_pos..], _line);
                Advance(_src.Length);
                break;
            }

            char kind = _src[start + 1];
            int p = start + 2;
            char sign = p < _src.Length && (_src[p] == '-' || _src[p] == '+') ? _src[p] : '\0';
            Match raw = kind == '%' ? RawBeginRegex().Match(_src, p) : Match.Empty;

            string text = ApplyLeftControl(_src[_pos..start], sign, isBlockOrComment: kind != '{');
            AddText(text, _line);
            Advance(start);
            int tagLine = _line;
            Advance(sign == '\0' ? p : p + 1);

            if (kind == '#')
            {
                LexComment(tagLine);
            }
            else if (raw.Success)
            {
                Advance(p + raw.Length);
                LexRawBody(tagLine);
            }
            else
            {
                LexTag(isBlock: kind == '%', tagLine);
            }
        }

        _tokens.Add(new TemplateToken(TokenKind.End, "", _line));
    }

    private int FindTagStart(int from)
    {
        for (int i = _src.IndexOf('{', from); i >= 0 && i + 1 < _src.Length; i = _src.IndexOf('{', i + 1))
        {
            char c = _src[i + 1];
            if (c == '{' || c == '%' || c == '#')
            {
                return i;
            }
        }

        return -1;
    }

    private string ApplyLeftControl(string text, char sign, bool isBlockOrComment)
    {
        if (sign == '-')
        {
            return PyText.RStrip(text);
        }

        if (sign != '+' && _lstripBlocks && isBlockOrComment)
        {
            int lpos = text.LastIndexOf('\n') + 1;
            if ((lpos > 0 || _lineStarting) && lpos < text.Length && IsAllSpace(text, lpos))
            {
                return text[..lpos];
            }
        }

        return text;
    }

    private static bool IsAllSpace(string s, int from)
    {
        for (int i = from; i < s.Length; i++)
        {
            if (!PyText.IsSpace(s[i]))
            {
                return false;
            }
        }

        return true;
    }

    private void AddText(string text, int line)
    {
        if (text.Length > 0)
        {
            _tokens.Add(new TemplateToken(TokenKind.Text, text, line));
        }
    }

    private void Advance(int newPos)
    {
        for (int i = _pos; i < newPos; i++)
        {
            if (_src[i] == '\n')
            {
                _line++;
            }
        }

        _pos = newPos;
    }

    private int SkipSpace(int from)
    {
        while (from < _src.Length && PyText.IsSpace(_src[from]))
        {
            from++;
        }

        return from;
    }

    private void FinishTag(int end)
    {
        Advance(end);
        _lineStarting = end > 0 && _src[end - 1] == '\n';
    }

    private void LexComment(int line)
    {
        int end = _src.IndexOf("#}", _pos, StringComparison.Ordinal);
        if (end < 0)
        {
            throw new TemplateException(TemplateErrorKind.Syntax, "Missing end of comment tag", line);
        }

        char before = end - 1 >= _pos ? _src[end - 1] : '\0';
        int after = end + 2;
        if (before == '-')
        {
            after = SkipSpace(after);
        }
        else if (before != '+' && _trimBlocks && after < _src.Length && _src[after] == '\n')
        {
            after++;
        }

        FinishTag(after);
    }

    private void LexRawBody(int line)
    {
        Match m = RawEndRegex().Match(_src, _pos);
        if (!m.Success)
        {
            throw new TemplateException(TemplateErrorKind.Syntax, "Missing end of raw directive", line);
        }

        char sign = m.Groups[3].Value.Length > 0 ? m.Groups[3].Value[0] : '\0';
        AddText(ApplyLeftControl(m.Groups[1].Value, sign, isBlockOrComment: true), _line);
        int end = _pos + m.Length;
        if (m.Groups[4].Success && m.Groups[4].Length > 0 && !_trimBlocks)
        {
            end--; // the optional newline belongs to the text when trim_blocks is off
        }

        FinishTag(end);
    }

    private void LexTag(bool isBlock, int line)
    {
        _tokens.Add(new TemplateToken(isBlock ? TokenKind.BlockBegin : TokenKind.VariableBegin, isBlock ? "{%" : "{{", line));
        var brackets = new Stack<char>();
        while (true)
        {
            Advance(SkipSpace(_pos));
            if (_pos >= _src.Length)
            {
                throw new TemplateException(TemplateErrorKind.Syntax,
                    $"Unexpected end of template, expected '{(isBlock ? "%}" : "}}")}'", line);
            }

            if (brackets.Count == 0 && TryLexTagEnd(isBlock))
            {
                return;
            }

            LexOneToken(brackets);
        }
    }

    private bool TryLexTagEnd(bool isBlock)
    {
        string close = isBlock ? "%}" : "}}";
        int line = _line;
        if (string.CompareOrdinal(_src, _pos, "-" + close, 0, 3) == 0)
        {
            _tokens.Add(new TemplateToken(isBlock ? TokenKind.BlockEnd : TokenKind.VariableEnd, close, line));
            FinishTag(SkipSpace(_pos + 3));
            return true;
        }

        if (isBlock && string.CompareOrdinal(_src, _pos, "+%}", 0, 3) == 0)
        {
            _tokens.Add(new TemplateToken(TokenKind.BlockEnd, close, line));
            FinishTag(_pos + 3);
            return true;
        }

        if (string.CompareOrdinal(_src, _pos, close, 0, 2) == 0)
        {
            int end = _pos + 2;
            if (isBlock && _trimBlocks && end < _src.Length && _src[end] == '\n')
            {
                end++;
            }

            _tokens.Add(new TemplateToken(isBlock ? TokenKind.BlockEnd : TokenKind.VariableEnd, close, line));
            FinishTag(end);
            return true;
        }

        return false;
    }

    private void LexOneToken(Stack<char> brackets)
    {
        int line = _line;
        char c = _src[_pos];

        Match m = FloatRegex().Match(_src, _pos);
        if (m.Success)
        {
            double value = double.Parse(m.Value.Replace("_", ""), NumberStyles.Float, CultureInfo.InvariantCulture);
            _tokens.Add(new TemplateToken(TokenKind.Float, m.Value, line, value));
            Advance(_pos + m.Length);
            return;
        }

        m = IntegerRegex().Match(_src, _pos);
        if (m.Success)
        {
            _tokens.Add(new TemplateToken(TokenKind.Integer, m.Value, line, ParseInteger(m.Value, line)));
            Advance(_pos + m.Length);
            return;
        }

        if (char.IsLetter(c) || c == '_')
        {
            int end = _pos + 1;
            while (end < _src.Length && (char.IsLetterOrDigit(_src[end]) || _src[end] == '_'))
            {
                end++;
            }

            _tokens.Add(new TemplateToken(TokenKind.Name, _src[_pos..end], line));
            Advance(end);
            return;
        }

        if (c == '\'' || c == '"')
        {
            LexString(c, line);
            return;
        }

        foreach (string op in Operators)
        {
            if (string.CompareOrdinal(_src, _pos, op, 0, op.Length) != 0)
            {
                continue;
            }

            if (op is "(" or "[" or "{")
            {
                brackets.Push(op switch { "(" => ')', "[" => ']', _ => '}' });
            }
            else if (op is ")" or "]" or "}")
            {
                if (brackets.Count == 0)
                {
                    throw new TemplateException(TemplateErrorKind.Syntax, $"Unexpected '{op}'", line);
                }

                char expected = brackets.Pop();
                if (expected != op[0])
                {
                    throw new TemplateException(TemplateErrorKind.Syntax, $"Unexpected '{op}', expected '{expected}'", line);
                }
            }

            _tokens.Add(new TemplateToken(TokenKind.Operator, op, line));
            Advance(_pos + op.Length);
            return;
        }

        throw new TemplateException(TemplateErrorKind.Syntax, $"Unexpected character '{c}' inside a tag", line);
    }

    private static long ParseInteger(string text, int line)
    {
        string s = text.Replace("_", "");
        try
        {
            if (s.Length > 1 && s[0] == '0' && char.IsLetter(s[1]))
            {
                int radix = char.ToLowerInvariant(s[1]) switch { 'b' => 2, 'o' => 8, _ => 16 };
                return Convert.ToInt64(s[2..], radix);
            }

            return long.Parse(s, NumberStyles.None, CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is OverflowException or FormatException)
        {
            throw new TemplateException(TemplateErrorKind.Unsupported, $"Integer literal {text} does not fit in 64 bits", line, e);
        }
    }

    private void LexString(char quote, int line)
    {
        int i = _pos + 1;
        while (i < _src.Length && _src[i] != quote)
        {
            i += _src[i] == '\\' ? 2 : 1;
        }

        if (i >= _src.Length)
        {
            throw new TemplateException(TemplateErrorKind.Syntax, "Unterminated string literal", line);
        }

        string body = _src[(_pos + 1)..i];
        _tokens.Add(new TemplateToken(TokenKind.String, Unescape(body, line), line));
        Advance(i + 1);
    }

    /// <summary>Decodes Python string-literal escapes the way Jinja does (<c>unicode-escape</c>).</summary>
    private static string Unescape(string s, int line)
    {
        if (!s.Contains('\\'))
        {
            return s;
        }

        var sb = new StringBuilder(s.Length);
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (c != '\\' || i + 1 >= s.Length)
            {
                sb.Append(c);
                continue;
            }

            char e = s[++i];
            switch (e)
            {
                case '\n': break;
                case '\\': sb.Append('\\'); break;
                case '\'': sb.Append('\''); break;
                case '"': sb.Append('"'); break;
                case 'a': sb.Append('\a'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'n': sb.Append('\n'); break;
                case 'r': sb.Append('\r'); break;
                case 't': sb.Append('\t'); break;
                case 'v': sb.Append('\v'); break;
                case 'x': i = AppendHex(sb, s, i, 2, line); break;
                case 'u': i = AppendHex(sb, s, i, 4, line); break;
                case 'U': i = AppendHex(sb, s, i, 8, line); break;
                case >= '0' and <= '7':
                    int value = 0, n = 0;
                    while (n < 3 && i < s.Length && s[i] is >= '0' and <= '7')
                    {
                        value = (value * 8) + (s[i++] - '0');
                        n++;
                    }

                    i--;
                    sb.Append((char)value);
                    break;
                case 'N':
                    throw new TemplateException(TemplateErrorKind.Unsupported, "Named unicode escapes (\\N{...}) in string literals are not supported", line);
                default:
                    sb.Append('\\').Append(e);
                    break;
            }
        }

        return sb.ToString();
    }

    private static int AppendHex(StringBuilder sb, string s, int i, int digits, int line)
    {
        if (i + digits >= s.Length)
        {
            throw new TemplateException(TemplateErrorKind.Syntax, "Truncated escape sequence in string literal", line);
        }

        string hex = s.Substring(i + 1, digits);
        if (!int.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int cp) || cp > 0x10FFFF)
        {
            throw new TemplateException(TemplateErrorKind.Syntax, $"Invalid escape sequence '\\{s[i]}{hex}' in string literal", line);
        }

        if (cp <= 0xFFFF)
        {
            sb.Append((char)cp);
        }
        else
        {
            sb.Append(char.ConvertFromUtf32(cp));
        }

        return i + digits;
    }
}
