using System.Globalization;
using System.Text;

namespace SparseX.Engine.Text.Templates;

/// <summary>
/// C/Python <c>strftime</c> for <c>strftime_now(format)</c> (English names, as in the C locale), including the
/// glibc <c>%-d</c> "no padding" flag. Unknown directives are reported as unsupported.
/// </summary>
internal static class Strftime
{
    /// <summary>Formats <paramref name="time"/> with a strftime <paramref name="format"/>.</summary>
    public static string Format(DateTimeOffset time, string format)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        for (int i = 0; i < format.Length; i++)
        {
            if (format[i] != '%' || i + 1 >= format.Length)
            {
                sb.Append(format[i]);
                continue;
            }

            char c = format[++i];
            bool noPad = false;
            if (c == '-' && i + 1 < format.Length)
            {
                noPad = true;
                c = format[++i];
            }

            string Num(int value, int width) => noPad ? value.ToString(inv) : value.ToString(new string('0', width), inv);

            int hour12 = time.Hour % 12 == 0 ? 12 : time.Hour % 12;
            sb.Append(c switch
            {
                'a' => time.ToString("ddd", inv),
                'A' => time.ToString("dddd", inv),
                'b' or 'h' => time.ToString("MMM", inv),
                'B' => time.ToString("MMMM", inv),
                'd' => Num(time.Day, 2),
                'e' => noPad ? time.Day.ToString(inv) : time.Day.ToString(inv).PadLeft(2),
                'm' => Num(time.Month, 2),
                'y' => Num(time.Year % 100, 2),
                'Y' => time.Year.ToString(inv),
                'H' => Num(time.Hour, 2),
                'I' => Num(hour12, 2),
                'M' => Num(time.Minute, 2),
                'S' => Num(time.Second, 2),
                'f' => (time.Ticks % TimeSpan.TicksPerSecond / 10).ToString("000000", inv),
                'p' => time.Hour < 12 ? "AM" : "PM",
                'j' => Num(time.DayOfYear, 3),
                'w' => ((int)time.DayOfWeek).ToString(inv),
                'u' => (time.DayOfWeek == DayOfWeek.Sunday ? 7 : (int)time.DayOfWeek).ToString(inv),
                'z' => (time.Offset < TimeSpan.Zero ? "-" : "+") + time.Offset.ToString("hhmm", inv),
                'Z' => time.Offset == TimeSpan.Zero ? "UTC" : "",
                'F' => time.ToString("yyyy-MM-dd", inv),
                'D' => time.ToString("MM/dd/yy", inv),
                'T' => time.ToString("HH:mm:ss", inv),
                'R' => time.ToString("HH:mm", inv),
                'c' => time.ToString("ddd MMM ", inv) + time.Day.ToString(inv).PadLeft(2) + time.ToString(" HH:mm:ss yyyy", inv),
                'x' => time.ToString("MM/dd/yy", inv),
                'X' => time.ToString("HH:mm:ss", inv),
                'n' => "\n",
                't' => "\t",
                '%' => "%",
                _ => throw new TemplateException(TemplateErrorKind.Unsupported, $"Unsupported strftime directive '%{c}'"),
            });
        }

        return sb.ToString();
    }
}
