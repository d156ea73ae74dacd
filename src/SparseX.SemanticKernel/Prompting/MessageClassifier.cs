using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;
using SparseX.Engine.Reuse;

namespace SparseX.SemanticKernel.Prompting;

/// <summary>
/// The automatic segment kinds of DESIGN §6: an explicit tag wins; then system/developer messages are
/// <see cref="SegmentKind.System"/>, tool results <see cref="SegmentKind.ToolOutput"/>, messages an Agent Framework
/// context provider added <see cref="SegmentKind.Document"/>; the question (the last untagged user message) is plain;
/// every other turn is <see cref="SegmentKind.History"/>.
/// </summary>
internal static class MessageClassifier
{
    /// <summary>Finds the question: the last user message that carries no tag, no tool result and no context-provider stamp.</summary>
    /// <returns>Its index, or -1.</returns>
    public static int FindQuestion(IReadOnlyList<ChatMessage> messages)
    {
        for (int i = messages.Count - 1; i >= 0; i--)
        {
            ChatMessage m = messages[i];
            if (m.Role == ChatRole.User && m.GetSparseXSegment() is null && !FromContextProvider(m) && !m.Contents.Any(c => c is FunctionResultContent))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The kind and id of a whole message; a null kind means plain text.</summary>
    public static SparseXSegmentTag? Classify(ChatMessage message, bool isQuestion)
    {
        if (message.GetSparseXSegment() is SparseXSegmentTag tag)
        {
            return tag;
        }

        if (IsSystemRole(message.Role))
        {
            return new SparseXSegmentTag(SegmentKind.System);
        }

        if (message.Role == ChatRole.Tool || message.Contents.Any(c => c is FunctionResultContent))
        {
            return new SparseXSegmentTag(SegmentKind.ToolOutput);
        }

        if (FromContextProvider(message))
        {
            return new SparseXSegmentTag(SegmentKind.Document);
        }

        return isQuestion ? null : new SparseXSegmentTag(SegmentKind.History);
    }

    /// <summary>Whether the role is rendered as a system message (<c>system</c>, or the newer <c>developer</c>).</summary>
    public static bool IsSystemRole(ChatRole role) => role == ChatRole.System || string.Equals(role.Value, "developer", StringComparison.OrdinalIgnoreCase);

    private static bool FromContextProvider(ChatMessage message) =>
        message.AdditionalProperties?.ContainsKey(AgentRequestMessageSourceAttribution.AdditionalPropertiesKey) == true &&
        message.GetAgentRequestMessageSourceType() == AgentRequestMessageSourceType.AIContextProvider;
}
