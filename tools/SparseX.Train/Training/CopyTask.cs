using static TorchSharp.torch;

namespace SparseX.Train.Training;

/// <summary>
/// A sanity check of the trainer (model, loss, optimizer): random token sequences shown twice, loss on the second
/// copy only. A correct Llama trainer learns this in-context copying (an induction head) within a few hundred steps;
/// a broken one (mask, RoPE, optimizer) stays at chance.
/// </summary>
public static class CopyTask
{
    /// <summary>One copy-task row: <paramref name="length"/> random tokens shown twice, loss on the second copy only.</summary>
    /// <param name="rng">The random source.</param>
    /// <param name="length">Length of the random sequence.</param>
    /// <param name="vocabSize">Tokens are drawn from [4, vocabSize) (ids below 4 are the special tokens).</param>
    /// <returns>The row (its "answer" span is the second copy).</returns>
    public static EncodedSample Row(Random rng, int length, int vocabSize)
    {
        ArgumentNullException.ThrowIfNull(rng);
        var ids = new int[2 * length];
        var weights = new float[2 * length];
        for (int j = 0; j < length; j++)
        {
            ids[j] = ids[length + j] = rng.Next(4, vocabSize);
            weights[length + j] = 1;
        }

        return new EncodedSample(ids, weights, length, 2 * length);
    }

    /// <summary>Trains a fresh model on the copy task.</summary>
    /// <param name="config">The model shape.</param>
    /// <param name="steps">Optimizer steps.</param>
    /// <param name="length">Length of the random sequence (shown twice).</param>
    /// <param name="batch">Sequences per step.</param>
    /// <param name="learningRate">Peak learning rate (linear warm-up over 50 steps).</param>
    /// <param name="compute">Compute dtype.</param>
    /// <param name="progress">Called every 25 steps with (step, loss, copy accuracy).</param>
    /// <returns>The copy accuracy of the last step: the share of second-copy tokens predicted exactly.</returns>
    public static double Train(TrainModelConfig config, int steps, int length = 32, int batch = 32, double learningRate = 3e-3,
        ScalarType compute = ScalarType.Float32, Action<int, double, double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        return SyntheticTask.Train(config, rng => Row(rng, length, config.VocabSize), steps, batch, learningRate, compute, progress);
    }
}
