namespace SparseX.World;

/// <summary>One chat message (ChatML role and content).</summary>
/// <param name="Role">The role: <c>system</c>, <c>user</c>, <c>assistant</c> or <c>tool</c>.</param>
/// <param name="Content">The content.</param>
public sealed record ChatMessage(string Role, string Content)
{
    /// <summary>Gets whether the model is trained to produce this message (assistant turns).</summary>
    public bool IsTarget => Role == "assistant";
}
