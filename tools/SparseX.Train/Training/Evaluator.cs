using SparseX.World;
using static TorchSharp.torch;

namespace SparseX.Train.Training;

/// <summary>Exact-match accuracy of answers: every answer token (and its <c>&lt;|im_end|&gt;</c>) is the argmax
/// given the conversation before it, which is what greedy decoding would produce.</summary>
public static class Evaluator
{
    /// <summary>Evaluates conversations.</summary>
    /// <param name="model">The model.</param>
    /// <param name="encoder">The encoder.</param>
    /// <param name="conversations">The conversations.</param>
    /// <param name="compute">Compute dtype.</param>
    /// <param name="batch">Conversations per forward pass.</param>
    /// <returns>Overall accuracy and accuracy per question kind.</returns>
    public static (double Accuracy, Dictionary<QuestionKind, double> PerKind) ExactMatch(
        LlamaTrainModel model, SampleEncoder encoder, IReadOnlyList<Conversation> conversations, ScalarType compute, int batch = 32)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(conversations);
        var correct = new Dictionary<QuestionKind, (int Ok, int All)>();
        using var noGrad = no_grad();
        for (int start = 0; start < conversations.Count; start += batch)
        {
            using var scope = NewDisposeScope();
            var chunk = conversations.Skip(start).Take(batch).ToList();
            var samples = chunk.Select(encoder.Encode).ToList();
            var (ids, _, t) = EncodedSample.Pad(samples);
            Tensor pred = model.Forward(tensor(ids, [samples.Count, t]).to(model.Device), compute).argmax(-1).cpu();
            long[] p = pred.data<long>().ToArray();
            for (int i = 0; i < samples.Count; i++)
            {
                EncodedSample s = samples[i];
                bool ok = true;
                for (int j = s.AnswerStart; j < s.AnswerEnd; j++)
                {
                    ok &= p[(i * t) + j - 1] == s.Ids[j];
                }

                var (o, a) = correct.GetValueOrDefault(chunk[i].Kind);
                correct[chunk[i].Kind] = (o + (ok ? 1 : 0), a + 1);
            }
        }

        double all = (double)correct.Values.Sum(v => v.Ok) / Math.Max(1, correct.Values.Sum(v => v.All));
        return (all, correct.ToDictionary(kv => kv.Key, kv => (double)kv.Value.Ok / kv.Value.All));
    }
}
