using SparseX.Engine.Reuse;

namespace SparseX.SemanticKernel.Prompting;

/// <summary>One piece of a message's content: a segment of <see cref="Kind"/>, or plain text when the kind is null.</summary>
/// <param name="Text">The text.</param>
/// <param name="Kind">The segment kind, or null for plain (always computed) text.</param>
/// <param name="Id">The segment id.</param>
internal sealed record PromptPart(string Text, SegmentKind? Kind, string? Id);
