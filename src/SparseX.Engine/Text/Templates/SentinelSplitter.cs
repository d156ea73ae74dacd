using System.Globalization;
using System.Text;

namespace SparseX.Engine.Text.Templates;

/// <summary>
/// Finds where each message's content sits in a rendered prompt (DESIGN §6: "render with sentinel contents and
/// split"). Each message with non-empty string content gets a unique sentinel (two private-use characters around
/// its index) in place of its content; the sentinel render is split on the sentinels and accepted only if putting
/// the real contents back reproduces the real render exactly. If the template transforms some content (trim,
/// tojson, slicing, or branching on it), each message is tried on its own and the ones that fail are left in the
/// glue; if even that does not verify, the whole prompt is one glue span.
/// </summary>
internal static class SentinelSplitter
{
    /// <summary>Splits <paramref name="text"/>, the render of <paramref name="messages"/>.</summary>
    /// <param name="render">Renders the template with a given messages list.</param>
    /// <param name="messages">The messages as template dicts.</param>
    /// <param name="text">The render of the unmodified messages.</param>
    public static TemplateRendering Split(Func<List<object?>, string> render, IReadOnlyList<OrderedDictionary<object, object?>> messages, string text)
    {
        var contents = messages.Select(m => m.TryGetValue("content", out var c) ? c as string : null).ToList();
        var candidates = Enumerable.Range(0, messages.Count).Where(i => contents[i] is { Length: > 0 }).ToList();
        if (candidates.Count == 0)
        {
            return new TemplateRendering(text, Merge([TemplateSpan.Glue(text)]), [], []);
        }

        var (open, close) = PickSentinelChars(text, contents);
        var full = TryWith(candidates);
        if (full is not null)
        {
            return Result(full, candidates, []);
        }

        var intact = candidates.Where(i => TryWith([i]) is not null).ToList();
        var transformed = candidates.Except(intact).ToList();
        var partial = intact.Count > 0 ? TryWith(intact) : null;
        return partial is not null
            ? Result(partial, intact, transformed)
            : new TemplateRendering(text, Merge([TemplateSpan.Glue(text)]), candidates, []);

        TemplateRendering Result(List<TemplateSpan> spans, List<int> substituted, List<int> changed)
        {
            var omitted = substituted.Where(i => !spans.Any(s => s.MessageIndex == i)).ToList();
            return new TemplateRendering(text, Merge(spans), changed, omitted);
        }

        List<TemplateSpan>? TryWith(List<int> substitutedList)
        {
            var substituted = substitutedList.ToHashSet();
            var variant = new List<object?>(messages.Count);
            for (int i = 0; i < messages.Count; i++)
            {
                if (!substituted.Contains(i))
                {
                    variant.Add(messages[i]);
                    continue;
                }

                var copy = TemplateValue.NewDict();
                foreach (var (k, v) in messages[i])
                {
                    copy[k] = v;
                }

                copy["content"] = $"{open}{i.ToString(CultureInfo.InvariantCulture)}{close}";
                variant.Add(copy);
            }

            string sentinelText;
            try
            {
                sentinelText = render(variant);
            }
            catch (TemplateException)
            {
                return null;
            }

            var spans = Parse(sentinelText, substituted);
            return spans is not null && string.Concat(spans.Select(s => s.Text)) == text ? spans : null;
        }

        List<TemplateSpan>? Parse(string sentinelText, HashSet<int> substituted)
        {
            var spans = new List<TemplateSpan>();
            int pos = 0;
            while (pos < sentinelText.Length)
            {
                int start = sentinelText.IndexOf(open, pos);
                if (start < 0)
                {
                    spans.Add(TemplateSpan.Glue(sentinelText[pos..]));
                    break;
                }

                spans.Add(TemplateSpan.Glue(sentinelText[pos..start]));
                int end = sentinelText.IndexOf(close, start + 1);
                if (end < 0 || !int.TryParse(sentinelText.AsSpan(start + 1, end - start - 1), NumberStyles.None, CultureInfo.InvariantCulture, out int index)
                    || !substituted.Contains(index))
                {
                    return null;
                }

                spans.Add(TemplateSpan.Content(contents[index]!, index));
                pos = end + 1;
            }

            return sentinelText.IndexOf(close) >= 0 && spans.Count(s => s.Kind == TemplateSpanKind.MessageContent) != sentinelText.Count(c => c == close)
                ? null
                : spans;
        }
    }

    private static (char Open, char Close) PickSentinelChars(string text, IReadOnlyList<string?> contents)
    {
        for (char c = '\uE000'; c < '\uF8FE'; c += (char)2)
        {
            char d = (char)(c + 1);
            if (!text.Contains(c) && !text.Contains(d) && !contents.Any(s => s is not null && (s.Contains(c) || s.Contains(d))))
            {
                return (c, d);
            }
        }

        throw new InvalidOperationException("The prompt uses every private-use character; no sentinel is available.");
    }

    private static List<TemplateSpan> Merge(IEnumerable<TemplateSpan> spans)
    {
        var merged = new List<TemplateSpan>();
        var glue = new StringBuilder();
        foreach (var span in spans)
        {
            if (span.Kind == TemplateSpanKind.Glue)
            {
                glue.Append(span.Text);
                continue;
            }

            if (glue.Length > 0)
            {
                merged.Add(TemplateSpan.Glue(glue.ToString()));
                glue.Clear();
            }

            merged.Add(span);
        }

        if (glue.Length > 0)
        {
            merged.Add(TemplateSpan.Glue(glue.ToString()));
        }

        return merged;
    }
}
