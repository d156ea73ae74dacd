using SparseX.Train.Training;
using SparseX.World;
using static TorchSharp.torch;

namespace SparseX.Train.Tests;

public class EvaluatorTests
{
    [Fact]
    public void CandidatesCountTheDocumentsThatReferTheSameWay()
    {
        var gen = new CorpusGenerator(4, CorpusSplit.HeldOut, t => t.Length, maxTokens: 1 << 20, version: WorldVersion.V5);
        var seen = new HashSet<QuestionKind>();
        for (int i = 0; i < 100; i++)
        {
            Conversation c = gen.Sample(i);
            int? candidates = Evaluator.Candidates(c);
            string text = c.Render();
            switch (c.Kind)
            {
                case QuestionKind.CompanyAbove:
                    Assert.Equal(System.Text.RegularExpressions.Regex.Count(text, "was launched by the company above"), candidates);
                    break;
                case QuestionKind.PersonAbove:
                    Assert.Equal(System.Text.RegularExpressions.Regex.Count(text, " is an engineer from "), candidates);
                    Assert.Equal(2, candidates);
                    break;
                default:
                    Assert.Null(candidates);
                    break;
            }

            seen.Add(c.Kind);
        }

        Assert.Equal(4, seen.Count);
    }

    [Fact]
    public void PerConversationResultsAddUpToTheExactMatchAndHintedAnswersAreInTheirDocuments()
    {
        using var tok = SparseX.Engine.Text.HfTokenizer.FromDirectory(FixturePaths.DemoModel);
        using var model = LlamaTrainModel.LoadExport(FixturePaths.DemoModel, CPU);
        var encoder = new SampleEncoder(tok);

        // The probe `eval --hint-asked 1`: every linked answer stated in its own document, nothing else hinted.
        var gen = new CorpusGenerator(1, CorpusSplit.HeldOut, t => tok.Encode(t).Length, version: WorldManifest.Read(FixturePaths.DemoModel)) { HintAskedShare = 1 };
        var plain = new CorpusGenerator(1, CorpusSplit.HeldOut, t => tok.Encode(t).Length, version: WorldManifest.Read(FixturePaths.DemoModel));
        var conversations = Enumerable.Range(0, 24).Select(i => gen.Sample(i)).ToList();
        Assert.DoesNotContain(Enumerable.Range(0, 24), i => Evaluator.StatesAnswer(plain.Sample(i)));
        int stated = 0;
        foreach (Conversation c in conversations.Where(c => c.Kind != QuestionKind.Direct))
        {
            // A hint is trimmed first where the conversation is too long; where it stays, it is in the asked document.
            if (Evaluator.StatesAnswer(c))
            {
                stated++;
                Assert.Contains(c.Documents, d => d.Contains($" {c.First.Query} ", StringComparison.Ordinal) && d.Contains($" by {c.Answer} .", StringComparison.Ordinal));
            }
        }

        Assert.InRange(stated, 5, 24);

        bool[] correct = Evaluator.Correct(model, encoder, conversations, ScalarType.Float32, batch: 8);
        var (accuracy, perKind) = Evaluator.ExactMatch(model, encoder, conversations, ScalarType.Float32, batch: 5);
        Assert.Equal(correct.Count(c => c) / 24.0, accuracy, 9);
        foreach (var (kind, rate) in perKind)
        {
            var ofKind = Enumerable.Range(0, 24).Where(i => conversations[i].Kind == kind).ToList();
            Assert.Equal(ofKind.Count(i => correct[i]) / (double)ofKind.Count, rate, 9);
        }

        // The committed model answers the direct questions (100% on 512 held-out questions).
        Assert.All(Enumerable.Range(0, 24).Where(i => conversations[i].Kind == QuestionKind.Direct), i => Assert.True(correct[i], conversations[i].First.Question));
    }
}
