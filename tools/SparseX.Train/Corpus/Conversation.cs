namespace SparseX.Train.Corpus;

/// <summary>A generated chat: system prompt, retrieved documents, question and answer (last assistant message).</summary>
/// <param name="Messages">The messages in order; the last one is the assistant's answer.</param>
/// <param name="Kind">What the question needs.</param>
/// <param name="Answer">The short answer.</param>
/// <param name="DocumentCount">How many documents the conversation retrieves.</param>
/// <param name="UsesTool">Whether the documents arrive as results of a <c>search</c> tool call.</param>
public sealed record Conversation(IReadOnlyList<ChatMessage> Messages, QuestionKind Kind, string Answer, int DocumentCount, bool UsesTool)
{
    /// <summary>Renders the conversation with the ChatML template (as <c>apply_chat_template</c> without a generation prompt).</summary>
    /// <returns>The text.</returns>
    public string Render() => ChatMl.Render(Messages);
}
