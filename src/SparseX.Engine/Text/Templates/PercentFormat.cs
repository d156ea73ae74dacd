using System.Globalization;
using System.Text;

namespace SparseX.Engine.Text.Templates;

/// <summary>
/// Python's printf-style <c>str % args</c> (also the <c>format</c> filter) for the conversions templates use:
/// <c>s r d i f x X o c %</c> with <c>-</c>/<c>0</c>/<c>+</c>/space flags, width and precision, and
/// <c>%(name)s</c> with a dict argument. Anything else is reported as unsupported.
/// </summary>
internal static class PercentFormat
{
    /// <summary>Formats <paramref name="format"/> with <paramref name="args"/> (a tuple, a dict or a single value).</summary>
    public static string Format(string format, object? args)
    {
        var positional = args is object?[] tuple ? tuple : [args];
        var mapping = args as OrderedDictionary<object, object?>;
        int next = 0;
        var sb = new StringBuilder();
        for (int i = 0; i < format.Length; i++)
        {
            char c = format[i];
            if (c != '%')
            {
                sb.Append(c);
                continue;
            }

            if (++i >= format.Length)
            {
                throw TemplateValue.Error("ValueError: incomplete format");
            }

            object? value = null;
            bool haveValue = false;
            if (format[i] == '(')
            {
                int close = format.IndexOf(')', i);
                if (close < 0 || mapping is null)
                {
                    throw TemplateValue.Error("TypeError: format requires a mapping");
                }

                string key = format[(i + 1)..close];
                value = mapping.TryGetValue(key, out var v) ? v : throw TemplateValue.Error($"KeyError: {PyText.Repr(key)}");
                haveValue = true;
                i = close + 1;
            }

            string flags = "";
            while (i < format.Length && "-+ 0#".Contains(format[i]))
            {
                flags += format[i++];
            }

            int width = ReadNumber(format, ref i);
            int precision = -1;
            if (i < format.Length && format[i] == '.')
            {
                i++;
                precision = Math.Max(0, ReadNumber(format, ref i));
            }

            if (i >= format.Length)
            {
                throw TemplateValue.Error("ValueError: incomplete format");
            }

            char type = format[i];
            if (type == '%')
            {
                sb.Append('%');
                continue;
            }

            if (!haveValue)
            {
                if (next >= positional.Length)
                {
                    throw TemplateValue.Error("TypeError: not enough arguments for format string");
                }

                value = positional[next++];
            }

            string body = type switch
            {
                's' => TemplateValue.ToStr(value),
                'r' or 'a' => TemplateValue.Repr(value),
                'd' or 'i' or 'u' => Sign(TemplateValue.IsNumber(value) ? (long)Math.Truncate(TemplateValue.AsDouble(value)) : throw NumberRequired(type, value), flags),
                'f' or 'F' => SignFloat(TemplateValue.AsDouble(value), precision < 0 ? 6 : precision, flags),
                'x' => Convert.ToString(TemplateValue.AsLong(value), 16),
                'X' => Convert.ToString(TemplateValue.AsLong(value), 16).ToUpperInvariant(),
                'o' => Convert.ToString(TemplateValue.AsLong(value), 8),
                'c' => value is string ch ? ch : char.ConvertFromUtf32((int)TemplateValue.AsLong(value)),
                _ => throw new TemplateException(TemplateErrorKind.Unsupported, $"Unsupported %-format conversion '%{type}'"),
            };
            if (type is 's' or 'r' or 'a' && precision >= 0 && body.Length > precision)
            {
                body = body[..precision];
            }

            if (body.Length < width)
            {
                bool zeroPad = flags.Contains('0') && !flags.Contains('-') && type is not ('s' or 'r' or 'a' or 'c');
                if (flags.Contains('-'))
                {
                    body = body.PadRight(width);
                }
                else if (zeroPad && body.Length > 0 && body[0] is '-' or '+' or ' ')
                {
                    body = body[0] + body[1..].PadLeft(width - 1, '0');
                }
                else
                {
                    body = body.PadLeft(width, zeroPad ? '0' : ' ');
                }
            }

            sb.Append(body);
        }

        if (mapping is null && next < positional.Length && args is object?[])
        {
            throw TemplateValue.Error("TypeError: not all arguments converted during string formatting");
        }

        return sb.ToString();
    }

    private static TemplateException NumberRequired(char type, object? value) =>
        TemplateValue.Error($"TypeError: %{type} format: a real number is required, not {TemplateValue.TypeName(value)}");

    private static int ReadNumber(string s, ref int i)
    {
        int start = i;
        while (i < s.Length && char.IsAsciiDigit(s[i]))
        {
            i++;
        }

        return i > start ? int.Parse(s.AsSpan(start, i - start), CultureInfo.InvariantCulture) : 0;
    }

    private static string Sign(long v, string flags) =>
        (v >= 0 && flags.Contains('+') ? "+" : v >= 0 && flags.Contains(' ') ? " " : "") + v.ToString(CultureInfo.InvariantCulture);

    private static string SignFloat(double v, int precision, string flags) =>
        (v >= 0 && flags.Contains('+') ? "+" : v >= 0 && flags.Contains(' ') ? " " : "")
        + v.ToString("F" + precision.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
}
