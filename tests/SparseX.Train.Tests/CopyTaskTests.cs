using SparseX.Train.Training;

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
}
