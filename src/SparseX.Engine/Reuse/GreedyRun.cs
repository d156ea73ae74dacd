using static TorchSharp.torch;

namespace SparseX.Engine.Reuse;

/// <summary>One greedy generation by <see cref="ReuseHarness.Decode"/>: what the prefill gave and what was decoded.</summary>
/// <param name="FirstLogits">fp32 logits of the first generated token, [vocab], on the CPU.</param>
/// <param name="Tokens">The generated tokens (a stop token, if met, is the last).</param>
/// <param name="Report">What the prefill reused and recomputed.</param>
/// <param name="Keys">The prompt's keys after the prefill (post-RoPE), fp32 [layers, N, kv_heads, head_dim] on the CPU, when captured.</param>
/// <param name="Values">The prompt's values after the prefill, fp32 [layers, N, kv_heads, head_dim] on the CPU, when captured.</param>
public sealed record GreedyRun(Tensor FirstLogits, int[] Tokens, ReuseReport Report, Tensor? Keys, Tensor? Values) : IDisposable
{
    /// <inheritdoc />
    public void Dispose()
    {
        FirstLogits.Dispose();
        Keys?.Dispose();
        Values?.Dispose();
    }
}
