namespace SparseX.Engine.Model;

/// <summary>How a layer computes attention.</summary>
public enum AttentionBackend
{
    /// <summary>Explicit fp32 softmax(QKᵀ)V with GQA grouping; exact reference, the CPU default.</summary>
    Explicit,

    /// <summary>
    /// PyTorch's scaled_dot_product_attention (flash / memory-efficient kernels): causal flag for full
    /// prefill, no mask for decode, a boolean per-row mask for scattered rows; the CUDA default.
    /// </summary>
    Sdpa,
}
