namespace SparseX.Engine.Reuse;

/// <summary>
/// A prompt as token ids plus where its segments are (DESIGN §3). Each span is tokenized on its own and
/// the ids are concatenated, so a segment's ids never depend on its neighbours; full prefill and reuse
/// always run on these same ids.
/// </summary>
public sealed class RequestLayout
{
    private RequestLayout(int[] tokenIds, IReadOnlyList<LayoutSegment> segments)
    {
        TokenIds = tokenIds;
        Segments = segments;
    }

    /// <summary>Gets the prompt's token ids.</summary>
    public int[] TokenIds { get; }

    /// <summary>Gets the segments in prompt order (empty segments are dropped).</summary>
    public IReadOnlyList<LayoutSegment> Segments { get; }

    /// <summary>Builds a layout from spans.</summary>
    /// <param name="spans">The spans, in order.</param>
    /// <param name="encode">Tokenizes text (no special tokens added).</param>
    /// <param name="keyOf">Computes a segment's content key from its ids.</param>
    /// <returns>The layout.</returns>
    /// <exception cref="ArgumentException">A span is malformed; the message names its index.</exception>
    public static RequestLayout Build(IReadOnlyList<PromptSpan> spans, Func<string, int[]> encode, Func<int[], string> keyOf)
    {
        ArgumentNullException.ThrowIfNull(spans);
        ArgumentNullException.ThrowIfNull(encode);
        ArgumentNullException.ThrowIfNull(keyOf);
        var ids = new List<int>();
        var segments = new List<LayoutSegment>();
        for (int i = 0; i < spans.Count; i++)
        {
            PromptSpan span = spans[i] ?? throw new ArgumentException($"Span {i} is null.", nameof(spans));
            int[] spanIds = span.Text is not null ? encode(span.Text) : span.TokenIds!.ToArray();
            if (span.IsSegment && spanIds.Length > 0)
            {
                segments.Add(new LayoutSegment(ids.Count, spanIds.Length, span.Kind!.Value, span.SegmentId, keyOf(spanIds)));
            }

            ids.AddRange(spanIds);
        }

        return new RequestLayout(ids.ToArray(), segments);
    }

    /// <summary>A layout without segments.</summary>
    /// <param name="tokenIds">The prompt ids.</param>
    /// <returns>The layout.</returns>
    public static RequestLayout Plain(IReadOnlyList<int> tokenIds) => new(tokenIds.ToArray(), Array.Empty<LayoutSegment>());
}
