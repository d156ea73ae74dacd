namespace SparseX.Train.Training;

/// <summary>A tokenized conversation with per-token loss weights.</summary>
/// <param name="Ids">The token ids.</param>
/// <param name="Weights">Loss weight of predicting each token (index 0 is never predicted).</param>
/// <param name="AnswerStart">Index of the answer's first token (the last assistant message's content).</param>
/// <param name="AnswerEnd">Index after the answer's <c>&lt;|im_end|&gt;</c>.</param>
public sealed record EncodedSample(int[] Ids, float[] Weights, int AnswerStart, int AnswerEnd)
{
    /// <summary>Lays samples out as one row-major batch, each padded with id 0 and weight 0 to the longest.</summary>
    /// <param name="samples">The samples.</param>
    /// <returns>Ids and weights [samples × Length], and the row length.</returns>
    public static (long[] Ids, float[] Weights, int Length) Pad(IReadOnlyList<EncodedSample> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        int t = samples.Max(s => s.Ids.Length);
        var ids = new long[samples.Count * t];
        var weights = new float[samples.Count * t];
        for (int i = 0; i < samples.Count; i++)
        {
            for (int j = 0; j < samples[i].Ids.Length; j++)
            {
                ids[(i * t) + j] = samples[i].Ids[j];
                weights[(i * t) + j] = samples[i].Weights[j];
            }
        }

        return (ids, weights, t);
    }
}
