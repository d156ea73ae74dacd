namespace SparseX.Engine.Reuse;

/// <summary>
/// One piece of a request layout (DESIGN §3): plain text/ids (template glue, the question) or a segment
/// whose KV may be shared across requests. Each span is tokenized on its own and the ids concatenated, so
/// a segment has the same ids wherever it appears.
/// </summary>
public sealed record PromptSpan
{
    private PromptSpan(string? text, IReadOnlyList<int>? tokenIds, SegmentKind? kind, string? segmentId)
    {
        if (text is null == tokenIds is null)
        {
            throw new ArgumentException("A span has either text or token ids.");
        }

        Text = text;
        TokenIds = tokenIds;
        Kind = kind;
        SegmentId = segmentId;
    }

    /// <summary>Gets the span's text, when given as text.</summary>
    public string? Text { get; }

    /// <summary>Gets the span's token ids, when given as ids.</summary>
    public IReadOnlyList<int>? TokenIds { get; }

    /// <summary>Gets the segment kind, or null for plain (never reused) text.</summary>
    public SegmentKind? Kind { get; }

    /// <summary>Gets the caller's id for the segment (reporting only; the cache key is the content).</summary>
    public string? SegmentId { get; }

    /// <summary>Gets a value indicating whether this span is a reusable segment.</summary>
    public bool IsSegment => Kind is not null;

    /// <summary>Plain text, always computed.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The span.</returns>
    public static PromptSpan Plain(string text) => new(text ?? throw new ArgumentNullException(nameof(text)), null, null, null);

    /// <summary>Plain token ids, always computed.</summary>
    /// <param name="tokenIds">The ids.</param>
    /// <returns>The span.</returns>
    public static PromptSpan Plain(IReadOnlyList<int> tokenIds) => new(null, tokenIds ?? throw new ArgumentNullException(nameof(tokenIds)), null, null);

    /// <summary>A reusable segment given as text.</summary>
    /// <param name="kind">The kind.</param>
    /// <param name="text">The content.</param>
    /// <param name="id">Optional caller id.</param>
    /// <returns>The span.</returns>
    public static PromptSpan Segment(SegmentKind kind, string text, string? id = null) => new(text ?? throw new ArgumentNullException(nameof(text)), null, kind, id);

    /// <summary>A reusable segment given as token ids.</summary>
    /// <param name="kind">The kind.</param>
    /// <param name="tokenIds">The content ids.</param>
    /// <param name="id">Optional caller id.</param>
    /// <returns>The span.</returns>
    public static PromptSpan Segment(SegmentKind kind, IReadOnlyList<int> tokenIds, string? id = null) => new(null, tokenIds ?? throw new ArgumentNullException(nameof(tokenIds)), kind, id);
}
