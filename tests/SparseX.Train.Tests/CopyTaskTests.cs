using SparseX.Engine.Text;
using SparseX.Train.Training;
using SparseX.World;

namespace SparseX.Train.Tests;

public class CopyTaskTests
{
    [Fact]
    public void TheTrainerLearnsInContextCopying()
    {
        // Measured at 32-token copies, batch 32: 0% copy accuracy at step 100, 99% at 175, 100% from 200 (2 layers, hidden 64).
        // A broken mask, RoPE, loss or optimizer keeps it near chance (1/1276).
        double accuracy = CopyTask.Train(TrainModelConfig.Tiny(1280), steps: 250, length: 32, batch: 32);
        Assert.True(accuracy > 0.9, $"copy accuracy {accuracy:P1} after 250 steps");
    }

    [Theory]
    [InlineData(false, 0)]
    [InlineData(true, 3)]
    public void RecallRowsPairEachQueriedKeyWithItsValue(bool reverse, int gap)
    {
        var rng = new Random(3);
        for (int n = 0; n < 20; n++)
        {
            EncodedSample row = RecallTask.Row(rng, pairs: 6, queries: 5, gap, reverse, vocabSize: 100);
            Assert.Equal((6 * (gap + 2)) + 10, row.Ids.Length);
            var value = new Dictionary<int, int>();
            for (int i = 0; i < 6; i++)
            {
                int first = row.Ids[i * (gap + 2)], second = row.Ids[(i * (gap + 2)) + gap + 1];
                value.Add(reverse ? second : first, reverse ? first : second);
            }

            Assert.All(row.Ids, id => Assert.InRange(id, 4, 99));
            Assert.All(row.Weights[..row.AnswerStart], w => Assert.Equal(0f, w));
            for (int j = row.AnswerStart; j < row.Ids.Length; j += 2)
            {
                Assert.Equal(value[row.Ids[j]], row.Ids[j + 1]);
                Assert.Equal((0f, 1f), (row.Weights[j], row.Weights[j + 1]));
            }
        }
    }

    [Fact]
    public void RecallQueriesCarryTheirSeparatorBetweenKeyAndValue()
    {
        var rng = new Random(5);
        int[] separator = [1, 2, 3];
        EncodedSample row = RecallTask.Row(rng, pairs: 4, queries: 6, gap: 0, reverse: false, vocabSize: 50, separator);
        var value = Enumerable.Range(0, 4).ToDictionary(i => row.Ids[2 * i], i => row.Ids[(2 * i) + 1]);
        Assert.Equal(8 + (6 * 5), row.Ids.Length);
        for (int j = row.AnswerStart; j < row.Ids.Length; j += 5)
        {
            Assert.Equal(separator, row.Ids[(j + 1)..(j + 4)]);
            Assert.Equal(value[row.Ids[j]], row.Ids[j + 4]);
            Assert.Equal([0f, 0f, 0f, 0f, 1f], row.Weights[j..(j + 5)]);
        }
    }

    [Fact]
    public void MixedRowsUseASuffixOfTheQuerySuffixAndTheAskedOrder()
    {
        int[] suffix = [1, 2, 3];
        var rng = new Random(6);
        var gaps = new HashSet<int>();
        for (int n = 0; n < 200; n++)
        {
            EncodedSample row = RecallTask.MixedRow(rng, 60, suffix, reverseShare: 0);
            int supervised = Array.IndexOf(row.Weights, 1f);
            int key = row.AnswerStart, g = supervised - key - 1;
            gaps.Add(g);
            Assert.Equal(suffix[(suffix.Length - g)..], row.Ids[(key + 1)..supervised]);

            // Key first: the value stands after the context's occurrence of the key, past the row's noise tokens.
            // (a noise token may equal a key, so some occurrence of the key has it, at most 6 tokens on).
            var occurrences = Enumerable.Range(0, row.AnswerStart).Where(at => row.Ids[at] == row.Ids[key]).ToList();
            Assert.NotEmpty(occurrences);
            Assert.Contains(occurrences, at => row.Ids[(at + 1)..Math.Min(row.AnswerStart, at + 7)].Contains(row.Ids[supervised]));
        }

        Assert.Equal([0, 1, 2, 3], gaps.Order());
        Assert.All(Enumerable.Range(0, 50).Select(_ => RecallTask.MixedRow(rng, 60)), row => Assert.Equal(row.AnswerStart + 1, Array.IndexOf(row.Weights, 1f)));
    }

    [Fact]
    public void ChatQuerySuffixIsWhatStandsBetweenAQuestionAndItsAnswer()
    {
        using var tok = HfTokenizer.FromDirectory(FixturePaths.DemoModel);
        int[] suffix = RecallTask.ChatQuerySuffix(t => tok.Encode(t));
        Assert.Equal(6, suffix.Length);
        var encoder = new SampleEncoder(tok);
        var gen = new CorpusGenerator(4, CorpusSplit.HeldOut, t => tok.Encode(t).Length, version: WorldVersion.V2);
        int checkedCount = 0;
        for (int i = 0; i < 20; i++)
        {
            Conversation conv = gen.Sample(i, difficulty: 0.3, maxQuestions: 3);
            if (conv.Messages[^2].Role != "user")
            {
                continue; // a tool result stands before the answer
            }

            EncodedSample s = encoder.Encode(conv);
            Assert.Equal(suffix, s.Ids[(s.AnswerStart - suffix.Length)..s.AnswerStart]);
            string lastWord = conv.Messages[^2].Content.Split(' ')[^2];
            Assert.Equal(" " + lastWord, tok.Decode(s.Ids[(s.AnswerStart - suffix.Length - 1)..(s.AnswerStart - suffix.Length)]));
            checkedCount++;
        }

        Assert.True(checkedCount >= 5, $"only {checkedCount} conversations end with a question");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TypedRecallRowsDrawValuesOfTheirOwnKindAtVaryingGaps(bool reverse)
    {
        var rng = new Random(8);
        var gaps = new HashSet<int>();
        for (int n = 0; n < 40; n++)
        {
            EncodedSample row = RecallTask.Row(rng, pairs: 5, queries: 8, gap: 3, reverse, vocabSize: 1000, typed: true);
            int mid = (1000 + 4) / 2;
            int[] context = row.Ids[..row.AnswerStart];
            int[] valuesAt = [.. Enumerable.Range(0, context.Length).Where(i => context[i] >= mid)];
            Assert.Equal(5, valuesAt.Length);
            Assert.All(context.Where(id => id < mid), id => Assert.InRange(id, 4, mid - 1));
            for (int j = row.AnswerStart; j < row.Ids.Length; j += 2)
            {
                int key = row.Ids[j], value = row.Ids[j + 1];
                Assert.InRange(value, mid, 999);
                int valueAt = Array.IndexOf(context, value);

                // A pair is value, noise, key (reverse) or key, noise, value: the key stands right before the next value
                // (reverse) or right after the one before (forward).
                int next = Array.IndexOf(valuesAt, valueAt);
                int keyAt = reverse
                    ? (next + 1 < valuesAt.Length ? valuesAt[next + 1] : context.Length) - 1
                    : next > 0 ? valuesAt[next - 1] + 1 : 0;
                Assert.Equal(key, context[keyAt]);
                gaps.Add(Math.Abs(valueAt - keyAt) - 1);
            }
        }

        Assert.Equal([0, 1, 2, 3], gaps.Order());
    }
}
