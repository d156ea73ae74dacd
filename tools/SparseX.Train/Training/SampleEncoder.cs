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
        int answerStart = 0, answerEnd = 0;
        foreach (ChatMessage m in conversation.Messages)
        {
            int[] header = encode(ChatMl.Header(m.Role));
            ids.AddRange(header);
            weights.AddRange(Enumerable.Repeat(ContextWeight, header.Length));
            answerStart = ids.Count;
            if (m.Supervised.Count == 0)
            {
                int[] content = encode(m.Content + ChatMl.ImEnd);
                ids.AddRange(content);
                weights.AddRange(Enumerable.Repeat(m.IsTarget ? 1f : ContextWeight, content.Length));
            }
            else
            {
                // Context with supervised spans (hint answers): the pieces split before spaces, where the byte-level
                // pre-tokenizer splits anyway, so their tokens are the whole content's.
                int at = 0;
                foreach (Range span in m.Supervised)
                {
                    var (start, length) = span.GetOffsetAndLength(m.Content.Length);
                    int[] before = encode(m.Content[at..start]), inside = encode(m.Content.Substring(start, length));
                    ids.AddRange(before);
                    weights.AddRange(Enumerable.Repeat(ContextWeight, before.Length));
                    ids.AddRange(inside);
                    weights.AddRange(Enumerable.Repeat(1f, inside.Length));
                    at = start + length;
                }

                int[] rest = encode(m.Content[at..] + ChatMl.ImEnd);
                ids.AddRange(rest);
                weights.AddRange(Enumerable.Repeat(ContextWeight, rest.Length));
            }

            answerEnd = ids.Count;
            int[] newline = encode("\n");
            ids.AddRange(newline);
            weights.AddRange(Enumerable.Repeat(ContextWeight, newline.Length));
        }

        weights[0] = 0;
        return new EncodedSample(ids.ToArray(), weights.ToArray(), answerStart, answerEnd);
    }
}
