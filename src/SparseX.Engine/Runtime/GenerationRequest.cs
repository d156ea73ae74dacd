using SparseX.Engine.Reuse;

namespace SparseX.Engine.Runtime;

/// <summary>
/// One generation: the prompt as text, as token ids, or as a layout of spans (segments and plain text,
/// DESIGN §3) — exactly one of them — plus decoding options and an optional reuse policy.
/// </summary>
public sealed record GenerationRequest
{
    /// <summary>Gets the prompt text (tokenized with the tokenizer's own special-token rules, e.g. BOS).</summary>
    public string? Prompt { get; init; }

    /// <summary>Gets the prompt token ids.</summary>
    public IReadOnlyList<int>? PromptTokenIds { get; init; }

    /// <summary>Gets the prompt as spans; segments may be reused across requests.</summary>
    public IReadOnlyList<PromptSpan>? Spans { get; init; }

    /// <summary>Gets the decoding options.</summary>
    public GenerationOptions Options { get; init; } = new();

    /// <summary>Gets the reuse policy, or null for the engine's default.</summary>
    public ReusePolicy? Reuse { get; init; }

    /// <summary>A request from text.</summary>
    /// <param name="prompt">The prompt.</param>
    /// <param name="options">Decoding options.</param>
    /// <returns>The request.</returns>
    public static GenerationRequest FromText(string prompt, GenerationOptions? options = null) => new() { Prompt = prompt, Options = options ?? new() };

    /// <summary>A request from spans.</summary>
    /// <param name="spans">The layout.</param>
    /// <param name="options">Decoding options.</param>
    /// <param name="reuse">Reuse policy.</param>
    /// <returns>The request.</returns>
    public static GenerationRequest FromSpans(IReadOnlyList<PromptSpan> spans, GenerationOptions? options = null, ReusePolicy? reuse = null) =>
        new() { Spans = spans, Options = options ?? new(), Reuse = reuse };
}
