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
        bool[] correct = Correct(model, encoder, conversations, compute, batch);
        var perKind = Enumerable.Range(0, conversations.Count).GroupBy(i => conversations[i].Kind)
            .ToDictionary(g => g.Key, g => (double)g.Count(i => correct[i]) / g.Count());
        return ((double)correct.Count(c => c) / Math.Max(1, correct.Length), perKind);
    }

    /// <summary>Whether each conversation's first answer is the model's argmax at every answer token.</summary>
    /// <param name="model">The model.</param>
    /// <param name="encoder">The encoder.</param>
    /// <param name="conversations">The conversations.</param>
    /// <param name="compute">Compute dtype.</param>
    /// <param name="batch">Conversations per forward pass.</param>
    /// <returns>One value per conversation, in order.</returns>
    public static bool[] Correct(LlamaTrainModel model, SampleEncoder encoder, IReadOnlyList<Conversation> conversations, ScalarType compute, int batch = 32)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(conversations);
        var correct = new bool[conversations.Count];
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

                correct[start + i] = ok;
            }
        }

        return correct;
    }

    /// <summary>How many candidates a linked question has: the conversation's documents that refer to "the company above"
    /// (CompanyAbove) or "the person above" (PersonAbove). With one, the question can be answered without reading its key.</summary>
    /// <param name="conversation">An evaluation conversation.</param>
    /// <returns>The count, or null for the other kinds.</returns>
    public static int? Candidates(Conversation conversation)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        string? phrase = conversation.Kind switch
        {
            QuestionKind.CompanyAbove or QuestionKind.CompanyAboveFounder => "company above",
            QuestionKind.PersonAbove => "person above",
            _ => null,
        };
        return phrase is null ? null : conversation.Documents.Count(d => d.Contains(phrase, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Whether a linked question's answer is stated outright in one of the documents ("… by ANSWER ."), as a hint
    /// of the asked fact states it (<see cref="CorpusGenerator.HintAskedShare"/>; a hint is trimmed first when the
    /// conversation is too long, so not every hinted conversation keeps it).</summary>
    /// <param name="conversation">An evaluation conversation.</param>
    /// <returns>Whether the answer is stated; false for Direct questions.</returns>
    public static bool StatesAnswer(Conversation conversation)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        // A founder is stated in every introduction ("It was founded in YEAR by P ."); a two-hop question's answer is stated
        // outright only by its hint.
        string stated = conversation.Kind == QuestionKind.CompanyAboveFounder ? $" was founded by {conversation.Answer} ." : $" by {conversation.Answer} .";
        return conversation.Kind != QuestionKind.Direct && conversation.Documents.Any(d => d.Contains(stated, StringComparison.Ordinal));
    }
}
