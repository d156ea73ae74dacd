namespace SparseX.Engine.Reuse;

/// <summary>What a segment holds (DESIGN §3). The kind does not change its cache key, only reporting.</summary>
public enum SegmentKind
{
    /// <summary>A system prompt or instructions.</summary>
    System,

    /// <summary>A retrieved document.</summary>
    Document,

    /// <summary>The output of a tool or function call.</summary>
    ToolOutput,

    /// <summary>An earlier conversation turn.</summary>
    History,

    /// <summary>Any other reusable content.</summary>
    Other,
}
