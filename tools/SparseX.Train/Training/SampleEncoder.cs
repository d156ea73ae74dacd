using SparseX.Engine.Text;
using SparseX.World;

namespace SparseX.Train.Training;

/// <summary>
/// Tokenizes conversations message by message (the result equals tokenizing the rendered text) and weights
/// the loss: assistant content and its <c>&lt;|im_end|&gt;</c> weigh 1, and so do a context message's
/// <see cref="ChatMessage.Supervised"/> spans; every other token <see cref="ContextWeight"/>.
/// </summary>
/// <param name="encode">Text to token ids (the tokenizer's, or the equivalent <see cref="Text.WordLevelEncoder"/>).</param>
/// <param name="contextWeight">The loss weight of non-assistant tokens.</param>
public sealed class SampleEncoder(Func<string, int[]> encode, float contextWeight = 0.1f)
{
    /// <summary>Initializes a new instance of the <see cref="SampleEncoder"/> class over a tokenizer.</summary>
    /// <param name="tokenizer">The tokenizer.</param>
    /// <param name="contextWeight">The loss weight of non-assistant tokens.</param>
    public SampleEncoder(HfTokenizer tokenizer, float contextWeight = 0.1f)
        : this(t => tokenizer.Encode(t), contextWeight)
    {
    }

    /// <summary>Gets the loss weight of non-assistant tokens.</summary>
    public float ContextWeight { get; } = contextWeight;


    /// <summary>Encodes a conversation.</summary>
    /// <param name="conversation">The conversation.</param>
    /// <returns>The sample.</returns>
    public EncodedSample Encode(Conversation conversation)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        var ids = new List<int>();
        var weights = new List<float>();
        void Append(string text, float weight)
        {
            int[] tokens = encode(text);
            ids.AddRange(tokens);
            weights.AddRange(Enumerable.Repeat(weight, tokens.Length));
        }

        int answerStart = 0, answerEnd = 0;
        foreach (ChatMessage m in conversation.Messages)
        {
            Append(ChatMl.Header(m.Role), ContextWeight);
            answerStart = ids.Count;

            // Supervised spans (hint answers) split the content before spaces, where the byte-level pre-tokenizer splits
            // anyway, so the pieces' tokens are the whole content's.
            int at = 0;
            foreach (Range span in m.Supervised)
            {
                var (start, length) = span.GetOffsetAndLength(m.Content.Length);
                Append(m.Content[at..start], ContextWeight);
                Append(m.Content.Substring(start, length), 1f);
                at = start + length;
            }

            Append(m.Content[at..] + ChatMl.ImEnd, m.IsTarget ? 1f : ContextWeight);
            answerEnd = ids.Count;
            Append("\n", ContextWeight);
        }

        weights[0] = 0;
        return new EncodedSample(ids.ToArray(), weights.ToArray(), answerStart, answerEnd);
    }
}
