namespace SparseX.Train.Training;

/// <summary>A tokenized conversation with per-token loss weights.</summary>
/// <param name="Ids">The token ids.</param>
/// <param name="Weights">Loss weight of predicting each token (index 0 is never predicted).</param>
/// <param name="AnswerStart">Index of the answer's first token (the last assistant message's content).</param>
/// <param name="AnswerEnd">Index after the answer's <c>&lt;|im_end|&gt;</c>.</param>
public sealed record EncodedSample(int[] Ids, float[] Weights, int AnswerStart, int AnswerEnd);
