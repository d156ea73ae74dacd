using TorchSharp;
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
        using var model = LlamaTrainModel.Create(config, CPU, seed: 1);
        using var opt = new AdamW(model.Parameters);
        var rng = new Random(1);
        double accuracy = 0;
        int t = 2 * length;
        for (int step = 1; step <= steps; step++)
        {
            using var scope = NewDisposeScope();
            var ids = new long[batch * t];
            var w = new float[batch * t];
            for (int i = 0; i < batch; i++)
            {
                EncodedSample row = Row(rng, length, config.VocabSize);
                for (int j = 0; j < t; j++)
                {
                    ids[(i * t) + j] = row.Ids[j];
                    w[(i * t) + j] = row.Weights[j];
                }
            }

            Tensor tokens = tensor(ids, [batch, t]);
            Tensor logits = model.Forward(tokens, compute);
            Tensor loss = Trainer.Loss(logits, tokens, tensor(w, [batch, t]));
            loss.backward();
            opt.Step(learningRate * Math.Min(1, step / 50.0));
            using (no_grad())
            {
                // Position length + j - 1 predicts token length + j; the first token of the copy is not predictable.
                Tensor predicted = logits.narrow(1, length, length - 1).argmax(-1);
                accuracy = predicted.eq(tokens.narrow(1, length + 1, length - 1)).to(ScalarType.Float32).mean().item<float>();
            }

            if (step % 25 == 0)
            {
                progress?.Invoke(step, loss.item<float>(), accuracy);
            }
        }

        return accuracy;
    }
}
