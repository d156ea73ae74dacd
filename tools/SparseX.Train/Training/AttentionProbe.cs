using static TorchSharp.torch;

namespace SparseX.Train.Training;

/// <summary>
/// Records, for one query position, what every attention head of every layer attends to: the softmax weights over the
/// positions up to it, as <see cref="LlamaTrainModel.Forward"/> computes them. <c>sparsex-train attend</c> reads it to show
/// where a model looks when it predicts an answer (which document, which tokens): the evidence for why a look-up fails.
/// </summary>
public sealed class AttentionProbe
{
    private readonly List<float[][]> _layers = [];

    /// <summary>Initializes a new instance of the <see cref="AttentionProbe"/> class.</summary>
    /// <param name="position">The query position (0-based) whose attention is recorded.</param>
    public AttentionProbe(int position)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(position);
        Position = position;
    }

    /// <summary>Gets the query position.</summary>
    public int Position { get; }

    /// <summary>Gets the recorded weights: per layer, per query head, one weight for each position 0 … <see cref="Position"/>.</summary>
    public IReadOnlyList<float[][]> Layers => _layers;

    /// <summary>Records one layer's weights from its rotated queries and keys (batch row 0); <see cref="LlamaTrainModel.Forward"/> calls it once per layer.</summary>
    /// <param name="q">Queries [B, heads, T, head_dim].</param>
    /// <param name="k">Keys [B, heads, T, head_dim] (KV heads already repeated to the query heads).</param>
    public void Record(Tensor q, Tensor k)
    {
        using var scope = NewDisposeScope();
        long d = q.shape[^1];
        if (Position >= q.shape[2])
        {
            throw new ArgumentOutOfRangeException(nameof(q), $"The probe's position {Position} is past the sequence ({q.shape[2]} tokens).");
        }

        Tensor query = q[0, .., Position].to(ScalarType.Float32);                  // [heads, d]
        Tensor keys = k[0, .., ..(Position + 1)].to(ScalarType.Float32);          // [heads, P+1, d]
        Tensor scores = matmul(keys, query.unsqueeze(-1)).squeeze(-1).div(Math.Sqrt(d));
        float[] flat = scores.softmax(-1).cpu().data<float>().ToArray();
        int heads = (int)q.shape[1], n = Position + 1;
        _layers.Add([.. Enumerable.Range(0, heads).Select(h => flat[(h * n)..((h + 1) * n)])]);
    }
}
