namespace SparseX.World;

/// <summary>
/// A generated chat: system prompt, retrieved documents (user messages, or tool results after a <c>search</c>
/// call), then one or more questions each followed by its answer. The first question is <see cref="Kind"/> /
/// <see cref="Answer"/>; evaluation conversations have exactly one.
/// </summary>
/// <param name="Messages">The messages in order; the last one is the assistant's last answer.</param>
/// <param name="Kind">What the first question needs.</param>
/// <param name="Answer">The first question's short answer.</param>
/// <param name="DocumentCount">How many documents the conversation retrieves.</param>
/// <param name="UsesTool">Whether the documents arrive as results of a <c>search</c> tool call.</param>
public sealed record Conversation(IReadOnlyList<ChatMessage> Messages, QuestionKind Kind, string Answer, int DocumentCount, bool UsesTool)
{
    /// <summary>Gets the system prompt.</summary>
    public string SystemPrompt => Messages[0].Content;

    /// <summary>Gets the retrieved documents in the order the conversation shows them.</summary>
    public IReadOnlyList<string> Documents { get; init; } = [];

    /// <summary>Gets whether the documents share one message (<see cref="CorpusGenerator.MergeDocuments"/>)
    /// (<see cref="CorpusGenerator.MergedShare"/>), instead of one message each.</summary>
    public bool Merged { get; init; }

    /// <summary>Gets the questions in order (the first is the one <see cref="Kind"/> and <see cref="Answer"/> describe).</summary>
    public IReadOnlyList<QuestionAnswer> Questions { get; init; } = [];

    /// <summary>Gets the first question.</summary>
    public QuestionAnswer First => Questions[0];

    /// <summary>Renders the conversation with the ChatML template (as <c>apply_chat_template</c> without a generation prompt).</summary>
    /// <returns>The text.</returns>
    public string Render() => ChatMl.Render(Messages);

    /// <summary>The messages before the first answer: what a model is asked to continue (with a generation prompt).</summary>
    /// <returns>The prompt messages.</returns>
    public IReadOnlyList<ChatMessage> PromptMessages()
    {
        var list = new List<ChatMessage>();
        foreach (ChatMessage m in Messages)
        {
            if (m.Role == "assistant" && !m.Content.StartsWith("<tool_call>", StringComparison.Ordinal))
            {
                break;
            }

            list.Add(m);
        }

        return list;
    }
}
