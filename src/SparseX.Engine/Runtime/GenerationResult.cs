using SparseX.Engine.Reuse;

namespace SparseX.Engine.Runtime;

/// <summary>A whole generation, gathered from its stream.</summary>
/// <param name="Text">The generated text.</param>
/// <param name="TokenIds">The generated token ids (stop tokens excluded).</param>
/// <param name="FinishReason">Why it ended.</param>
/// <param name="Report">Reuse and timing.</param>
public sealed record GenerationResult(string Text, IReadOnlyList<int> TokenIds, FinishReason FinishReason, ReuseReport Report);
