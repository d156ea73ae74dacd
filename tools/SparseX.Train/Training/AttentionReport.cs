using SparseX.Engine.Text;
using SparseX.World;
using static TorchSharp.torch;

namespace SparseX.Train.Training;

/// <summary>
/// <c>sparsex-train attend</c>: where an exported model looks when it predicts a question's first answer token. For each
/// layer, the attention mass (mean over heads) on each chat message, and for each head its strongest positions; the
/// messages that contain the question's key and its answer are marked, so a look-up that lands on the wrong document, or
/// on none, shows.
/// </summary>
public static class AttentionReport
{
    /// <summary>Prints the report of one conversation.</summary>
    /// <returns>Per layer, the attention mass (mean over heads) on the documents that contain the question's key.</returns>
    /// <param name="model">The model.</param>
    /// <param name="tokenizer">Its tokenizer.</param>
    /// <param name="conversation">The conversation (its first question is the one probed).</param>
    /// <param name="output">Where to write.</param>
    /// <param name="top">How many positions to show per head.</param>
    public static double[] Print(LlamaTrainModel model, HfTokenizer tokenizer, Conversation conversation, TextWriter output, int top = 3)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(conversation);
        ArgumentNullException.ThrowIfNull(output);
        EncodedSample s = new SampleEncoder(tokenizer).Encode(conversation);
        var probe = new AttentionProbe(s.AnswerStart - 1);
        using (NewDisposeScope())
        using (no_grad())
        {
            model.Forward(tensor(s.Ids.Select(x => (long)x).ToArray(), [1, s.Ids.Length]), probe: probe).Dispose();
        }

        // Message of each position: a message starts at its <|im_start|>.
        int start = tokenizer.Encode(ChatMl.ImStart).Single();
        var message = new int[s.Ids.Length];
        for (int p = 0, m = -1; p < s.Ids.Length; p++)
        {
            m += s.Ids[p] == start ? 1 : 0;
            message[p] = Math.Max(m, 0);
        }

        // Each message's mark, once: K = it contains the key, A = the answer (none past the last message).
        QuestionAnswer q = conversation.First;
        string[] marks = [.. conversation.Messages.Select(m => (m.Content.Contains(q.Query, StringComparison.Ordinal) ? "K" : string.Empty)
            + (m.Content.Contains(q.Answer, StringComparison.Ordinal) ? "A" : string.Empty))];
        string Mark(int m) => m < marks.Length ? marks[m] : string.Empty;
        output.WriteLine($"### {conversation.Kind}: {q.Question} -> {q.Answer} (key '{q.Query}'; K = message with the key, A = with the answer)");
        for (int m = 0; m < conversation.Messages.Count; m++)
        {
            string text = conversation.Messages[m].Content;
            output.WriteLine($"  m{m}{Mark(m)} {conversation.Messages[m].Role}: {(text.Length > 90 ? text[..90] + " …" : text)}");
        }

        var keyDocuments = Enumerable.Range(0, conversation.Messages.Count).Where(m => conversation.Documents.Contains(conversation.Messages[m].Content)
            && conversation.Messages[m].Content.Contains(q.Query, StringComparison.Ordinal)).ToList();
        var onKeyDocuments = new double[probe.Layers.Count];
        for (int l = 0; l < probe.Layers.Count; l++)
        {
            float[][] heads = probe.Layers[l];
            var mass = new double[conversation.Messages.Count + 1];
            foreach (float[] w in heads)
            {
                for (int p = 0; p < w.Length; p++)
                {
                    mass[Math.Min(message[p], mass.Length - 1)] += w[p] / heads.Length;
                }
            }

            onKeyDocuments[l] = keyDocuments.Sum(m => mass[m]);
            output.WriteLine($"  layer {l}: " + string.Join(" ", Enumerable.Range(0, mass.Length).OrderByDescending(m => mass[m]).Take(5)
                .Select(m => $"m{m}{Mark(m)} {mass[m]:F2}")));
            for (int h = 0; h < heads.Length; h++)
            {
                float[] w = heads[h];
                output.WriteLine($"    h{h}: " + string.Join("  ", Enumerable.Range(0, w.Length).OrderByDescending(p => w[p]).Take(top)
                    .Select(p => $"'{tokenizer.Decode([s.Ids[p]])}'@m{message[p]}{Mark(message[p])} {w[p]:F2}")));
            }
        }

        return onKeyDocuments;
    }
}
