using Microsoft.Extensions.AI;
using SparseX.Engine.Reuse;

namespace SparseX.SemanticKernel;

/// <summary>Adds retrieved documents to a conversation as tagged messages, one <c>Document</c> segment each.</summary>
public static class SparseXDocumentMessages
{
    /// <summary>Makes a message holding one document, tagged <see cref="SegmentKind.Document"/>.</summary>
    /// <param name="document">The document.</param>
    /// <param name="role">The role; <see cref="ChatRole.User"/> by default (every chat template accepts it anywhere).</param>
    /// <returns>The message.</returns>
    public static ChatMessage ToSparseXMessage(this SparseXDocument document, ChatRole? role = null)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(document.Text);
        return new ChatMessage(role ?? ChatRole.User, document.Text).AsSparseXSegment(SegmentKind.Document, document.Id);
    }

    /// <summary>
    /// Inserts one tagged message per document just before the last user message (the question), or at the end when
    /// there is none. Templates that require strictly alternating user/assistant turns (e.g. Mistral's) reject
    /// consecutive user messages; tag the contents of one message with
    /// <see cref="SparseXSegmentExtensions.AsSparseXSegment{TContent}"/> for those.
    /// </summary>
    /// <param name="messages">The conversation.</param>
    /// <param name="documents">The documents, in the order the model should read them.</param>
    /// <returns>The same list.</returns>
    public static IList<ChatMessage> AddSparseXDocuments(this IList<ChatMessage> messages, IEnumerable<SparseXDocument> documents)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(documents);
        int at = messages.Count;
        for (int i = messages.Count - 1; i >= 0; i--)
        {
            if (messages[i].Role == ChatRole.User && messages[i].GetSparseXSegment() is null)
            {
                at = i;
                break;
            }
        }

        foreach (SparseXDocument document in documents)
        {
            messages.Insert(at++, document.ToSparseXMessage());
        }

        return messages;
    }
}
