using SparseX.Train.Training;
using SparseX.World;
using static TorchSharp.torch;

namespace SparseX.Train.Tests;

public class AttentionProbeTests
{
    [Fact]
    public void RecordsTheCausalSoftmaxOfOnePositionsScaledScores()
    {
        using var scope = NewDisposeScope();
        var rng = new Random(5);
        float[] Draw(int n) => [.. Enumerable.Range(0, n).Select(_ => (float)((rng.NextDouble() * 4) - 2))];
        const int Heads = 2, T = 6, D = 4, Position = 3;
        float[] qs = Draw(Heads * T * D), ks = Draw(Heads * T * D);
        var probe = new AttentionProbe(Position);
        probe.Record(tensor(qs, [1, Heads, T, D]), tensor(ks, [1, Heads, T, D]));

        float[][] weights = Assert.Single(probe.Layers);
        for (int h = 0; h < Heads; h++)
        {
            // softmax over positions 0 … Position of q·k / √D, computed by hand.
            double[] scores = [.. Enumerable.Range(0, Position + 1).Select(j => Enumerable.Range(0, D)
                .Sum(x => (double)qs[(((h * T) + Position) * D) + x] * ks[(((h * T) + j) * D) + x]) / Math.Sqrt(D))];
            double max = scores.Max(), sum = scores.Sum(x => Math.Exp(x - max));
            Assert.Equal(Position + 1, weights[h].Length);
            for (int j = 0; j <= Position; j++)
            {
                Assert.Equal(Math.Exp(scores[j] - max) / sum, weights[h][j], 5);
            }
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => new AttentionProbe(T).Record(tensor(qs, [1, Heads, T, D]), tensor(ks, [1, Heads, T, D])));
    }

    [Fact]
    public void TheDemoModelsLastLayerReadsADirectAnswerFromItsDocumentAndTheProbeChangesNoLogit()
    {
        using var tok = SparseX.Engine.Text.HfTokenizer.FromDirectory(FixturePaths.DemoModel);
        using var model = LlamaTrainModel.LoadExport(FixturePaths.DemoModel, CPU);
        var gen = new CorpusGenerator(1, CorpusSplit.HeldOut, t => tok.Encode(t).Length, version: WorldManifest.Read(FixturePaths.DemoModel));
        var encoder = new SampleEncoder(tok);
        var direct = Enumerable.Range(0, 40).Select(i => gen.Sample(i)).Where(c => c.Kind == QuestionKind.Direct).Take(4).ToList();
        Assert.Equal(4, direct.Count);
        foreach (Conversation c in direct)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            EncodedSample s = encoder.Encode(c);
            Tensor ids = tensor(s.Ids.Select(x => (long)x).ToArray(), [1, s.Ids.Length]);
            var probe = new AttentionProbe(s.AnswerStart - 1);
            Assert.True(model.Forward(ids).allclose(model.Forward(ids, probe: probe), rtol: 0, atol: 0));
            Assert.Equal(model.Config.NumLayers, probe.Layers.Count);
            Assert.All(probe.Layers, l => Assert.All(l, w => Assert.Equal(1.0, w.Sum(x => (double)x), 4)));

            // The document that states the answer ("The company based in CITY is C .") takes most of the last layer's
            // attention at the position that predicts the answer (measured: 0.88 and more).
            int answerDoc = c.Documents.ToList().FindIndex(d => d.Contains($" {c.First.Query} is {c.Answer}", StringComparison.Ordinal));
            Assert.True(answerDoc >= 0, c.First.Question);
            string text = tok.Decode(s.Ids);
            int start = text.IndexOf(c.Documents[answerDoc], StringComparison.Ordinal);
            int first = Enumerable.Range(0, s.Ids.Length).First(p => tok.Decode(s.Ids[..(p + 1)]).Length > start);
            int last = Enumerable.Range(first, s.Ids.Length - first).First(p => tok.Decode(s.Ids[..(p + 1)]).Length >= start + c.Documents[answerDoc].Length);
            double mass = probe.Layers[^1].Average(w => w[first..(last + 1)].Sum(x => (double)x));
            Assert.True(mass > 0.5, $"{c.First.Question}: {mass:F2} of the last layer's attention on the answer's document");
        }
    }

    [Fact]
    public void TheReportMarksTheMessagesWithTheKeyAndTheAnswerAndShowsEveryLayer()
    {
        using var tok = SparseX.Engine.Text.HfTokenizer.FromDirectory(FixturePaths.DemoModel);
        using var model = LlamaTrainModel.LoadExport(FixturePaths.DemoModel, CPU);
        var gen = new CorpusGenerator(1, CorpusSplit.HeldOut, t => tok.Encode(t).Length, version: WorldManifest.Read(FixturePaths.DemoModel));
        Conversation c = Enumerable.Range(0, 40).Select(i => gen.Sample(i)).First(c => c.Kind == QuestionKind.PersonAbove && !c.UsesTool);
        var output = new StringWriter();
        double[] onKey = AttentionReport.Print(model, tok, c, output, top: 2);
        Assert.Equal(model.Config.NumLayers, onKey.Length);
        Assert.All(onKey, m => Assert.InRange(m, 0, 1));
        string report = output.ToString();
        Assert.Contains($"-> {c.Answer} (key '{c.First.Query}'", report, StringComparison.Ordinal);
        for (int l = 0; l < model.Config.NumLayers; l++)
        {
            Assert.Contains($"  layer {l}: ", report, StringComparison.Ordinal);
        }

        // The linked document (key), the engineer's introduction (answer) and the question (key) are marked. From V11 on a
        // document may open with a filler, so the messages are found by content, not by their first words.
        string[] lines = report.Split('\n');
        int keyDocument = c.Messages.ToList().FindIndex(m => c.Documents.Contains(m.Content) && m.Content.Contains($"The {c.First.Query} project", StringComparison.Ordinal));
        int answerDocument = c.Messages.ToList().FindIndex(m => m.Content.Contains($"{c.Answer} is an engineer", StringComparison.Ordinal));
        Assert.True(keyDocument > 0 && answerDocument > 0 && keyDocument != answerDocument, report);
        Assert.Single(lines, l => l.StartsWith($"  m{keyDocument}K user: ", StringComparison.Ordinal));
        Assert.Single(lines, l => l.StartsWith($"  m{answerDocument}A user: ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("  m", StringComparison.Ordinal) && l.Contains("K user: Question :", StringComparison.Ordinal));
        Assert.Equal(model.Config.NumLayers * model.Config.NumHeads, lines.Count(l => l.StartsWith("    h", StringComparison.Ordinal)));

        // On a direct question the last layer reads the stating document, as the probe test measures by token spans.
        Conversation direct = Enumerable.Range(0, 40).Select(i => gen.Sample(i)).First(c => c.Kind == QuestionKind.Direct);
        Assert.True(AttentionReport.Print(model, tok, direct, TextWriter.Null)[^1] > 0.5, direct.First.Question);
    }
}
