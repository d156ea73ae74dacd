using static TorchSharp.torch;

namespace SparseX.Engine.Model;

/// <summary>
/// Asks a layer for the attention that some of its rows pay to each key: importance[j] =
/// Σ_heads Σ_{i ∈ rows} softmax_i(q_i·k_j/√d). This is the Sparse-Q signal of DESIGN §4 step 3; the
/// rows are the new tokens S, which the layer computes anyway.
/// </summary>
public sealed class AttentionProbe : IDisposable
{
    /// <summary>Initializes a new instance of the <see cref="AttentionProbe"/> class.</summary>
    /// <param name="rowIndices">Int64 indices into the batch's rows whose attention is summed.</param>
    public AttentionProbe(Tensor rowIndices) => RowIndices = rowIndices;

    /// <summary>Gets the row indices (into the batch) to sum over.</summary>
    public Tensor RowIndices { get; }

    /// <summary>Gets the importance of each key, fp32 [Nk], after the layer ran.</summary>
    public Tensor? Importance { get; internal set; }

    /// <inheritdoc />
    public void Dispose()
    {
        RowIndices.Dispose();
        Importance?.Dispose();
    }
}
