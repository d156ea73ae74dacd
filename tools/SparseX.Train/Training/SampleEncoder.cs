using SparseX.Engine.Text;
using SparseX.Train.Corpus;

namespace SparseX.Train.Training;

/// <summary>
/// Tokenizes conversations message by message (the result equals tokenizing the rendered text) and weights
/// the loss: assistant content and its <c>&lt;|im_end|&gt;</c> weigh 1, every other token
/// <see cref="ContextWeight"/>.
/// </summary>
/// <param name="tokenizer">The tokenizer.</param>
/// <param name="contextWeight">The loss weight of non-assistant tokens.</param>
public sealed class SampleEncoder(HfTokenizer tokenizer, float contextWeight = 0.1f)
{
    /// <summary>Gets the loss weight of non-assistant tokens.</summary>
    public float ContextWeight { get; } = contextWeight;

    /// <summary>Gets the tokenizer.</summary>
    public HfTokenizer Tokenizer { get; } = tokenizer;

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
            int[] header = Tokenizer.Encode(ChatMl.Header(m.Role));
            ids.AddRange(header);
            weights.AddRange(Enumerable.Repeat(ContextWeight, header.Length));
            int[] content = Tokenizer.Encode(m.Content + ChatMl.ImEnd);
            answerStart = ids.Count;
            ids.AddRange(content);
            weights.AddRange(Enumerable.Repeat(m.IsTarget ? 1f : ContextWeight, content.Length));
            answerEnd = ids.Count;
            int[] newline = Tokenizer.Encode("\n");
            ids.AddRange(newline);
            weights.AddRange(Enumerable.Repeat(ContextWeight, newline.Length));
        }

        weights[0] = 0;
        return new EncodedSample(ids.ToArray(), weights.ToArray(), answerStart, answerEnd);
    }
}
