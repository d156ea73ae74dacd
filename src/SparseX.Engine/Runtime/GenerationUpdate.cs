using SparseX.Engine.Reuse;

namespace SparseX.Engine.Runtime;

/// <summary>
/// One streamed piece of a generation: new text and the token ids behind it. The last update carries the
/// <see cref="FinishReason"/> and the request's <see cref="ReuseReport"/>.
/// </summary>
/// <param name="Text">New text (may be empty while a multi-byte character or a possible stop string is pending).</param>
/// <param name="TokenIds">New token ids.</param>
/// <param name="FinishReason">Set on the last update.</param>
/// <param name="Report">Set on the last update.</param>
public sealed record GenerationUpdate(string Text, IReadOnlyList<int> TokenIds, FinishReason? FinishReason = null, ReuseReport? Report = null);
