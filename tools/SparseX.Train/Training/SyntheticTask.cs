using static TorchSharp.torch;

namespace SparseX.Train.Training;

/// <summary>
/// Trains a fresh model on generated rows (<see cref="CopyTask"/>, <see cref="RecallTask"/>) and reports how many
/// supervised tokens it predicts exactly: checks of what the trainer can learn, apart from the corpus.
/// </summary>
public static class SyntheticTask
{
    /// <summary>Trains a fresh model on rows from <paramref name="row"/>.</summary>
    /// <param name="config">The model shape.</param>
    /// <param name="row">Draws one row; tokens of weight 1 are supervised (the first token of its answer span is not
    /// counted in the accuracy: a copy's first token cannot be predicted).</param>
    /// <param name="steps">Optimizer steps.</param>
    /// <param name="batch">Rows per step.</param>
    /// <param name="learningRate">Peak learning rate (linear warm-up over 50 steps).</param>
    /// <param name="compute">Compute dtype.</param>
    /// <param name="progress">Called every 25 steps with (step, loss, accuracy).</param>
    /// <param name="init">An exported model to start from instead of a fresh one of <paramref name="config"/>'s shape.</param>
    /// <param name="device">Where to train (the CPU if null).</param>
    /// <returns>The accuracy of the last step.</returns>
    public static double Train(TrainModelConfig config, Func<Random, EncodedSample> row, int steps, int batch = 32, double learningRate = 3e-3,
        ScalarType compute = ScalarType.Float32, Action<int, double, double>? progress = null, string? init = null, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(row);
        device ??= CPU;
        using var model = init is null ? LlamaTrainModel.Create(config, device, seed: 1) : LlamaTrainModel.LoadExport(init, device);
        using var opt = new AdamW(model.Parameters);
        var rng = new Random(1);
        double accuracy = 0;
        for (int step = 1; step <= steps; step++)
        {
            using var scope = NewDisposeScope();
            var rows = Enumerable.Range(0, batch).Select(_ => row(rng)).ToList();
            var (ids, w, t) = EncodedSample.Pad(rows);
            Tensor tokens = tensor(ids, [batch, t]).to(device);
            Tensor logits = model.Forward(tokens, compute);
            Tensor loss = Trainer.Loss(logits, tokens, tensor(w, [batch, t]).to(device));
            loss.backward();
            opt.Step(learningRate * Math.Min(1, step / 50.0));
            long[] predicted;
            using (no_grad())
            {
                predicted = logits.argmax(-1).cpu().data<long>().ToArray();
            }

            int right = 0, all = 0;
            for (int i = 0; i < batch; i++)
            {
                for (int j = rows[i].AnswerStart + 1; j < rows[i].Ids.Length; j++)
                {
                    if (rows[i].Weights[j] == 1f)
                    {
                        all++;
                        right += predicted[(i * t) + j - 1] == rows[i].Ids[j] ? 1 : 0;
                    }
                }
            }

            accuracy = (double)right / Math.Max(1, all);
            if (step % 25 == 0)
            {
                progress?.Invoke(step, loss.item<float>(), accuracy);
            }
        }

        return accuracy;
    }
}
