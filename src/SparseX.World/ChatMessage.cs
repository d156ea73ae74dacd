namespace SparseX.World;

/// <summary>One chat message (ChatML role and content).</summary>
/// <param name="Role">The role: <c>system</c>, <c>user</c>, <c>assistant</c> or <c>tool</c>.</param>
/// <param name="Content">The content.</param>
public sealed record ChatMessage(string Role, string Content)
{
    /// <summary>Gets whether the model is trained to produce this message (assistant turns).</summary>
    public bool IsTarget => Role == "assistant";

    /// <summary>Gets spans of <see cref="Content"/> that training weighs like an assistant turn although the message is
    /// context: the answers of a training conversation's hint sentences (<see cref="CorpusGenerator.HintShare"/>). Each
    /// starts at the space before a word and ends before a space, so tokenizing the pieces gives the same tokens as the
    /// whole content.</summary>
    public IReadOnlyList<Range> Supervised { get; init; } = [];
}
