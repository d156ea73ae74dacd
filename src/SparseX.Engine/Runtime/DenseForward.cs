using SparseX.Engine.Cache;
using SparseX.Engine.Model;
using static TorchSharp.torch;

namespace SparseX.Engine.Runtime;

/// <summary>
/// The ordinary forward pass: compute tokens <c>from..N−1</c> of a sequence through every layer, reading
/// the KV of positions <c>0..from−1</c> from the sequence's blocks (a prefix hit or earlier steps). Prefill
/// is <c>from = prefix length</c>; a decode step is <c>from = N − 1</c>.
/// </summary>
public static class DenseForward
{
    /// <summary>Runs the rows through all layers and returns their final hidden states (before the final norm).</summary>
    /// <param name="model">The model.</param>
    /// <param name="table">The sequence's blocks; must have capacity for all tokens.</param>
    /// <param name="tokenIds">All tokens of the sequence so far.</param>
    /// <param name="from">First position to compute.</param>
    /// <param name="onLayer">Optional observer of each layer's input rows (index 0 = embeddings) and output.</param>
    /// <returns>[N − from, hidden].</returns>
    public static Tensor Run(DecoderModel model, BlockTable table, IReadOnlyList<int> tokenIds, int from, Action<int, Tensor>? onLayer = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(tokenIds);
        int n = tokenIds.Count;
        if (from < 0 || from >= n)
        {
            throw new ArgumentOutOfRangeException(nameof(from), $"from ({from}) must be in [0, {n}).");
        }

        using var scope = NewDisposeScope();
        long[] positions = Enumerable.Range(from, n - from).Select(p => (long)p).ToArray();
        using RowBatch batch = RowBatch.ForSequence(model.Rope, positions, n, table.Slot, model.Device);
        Tensor ids = tensor(tokenIds.Skip(from).Select(t => (long)t).ToArray(), ScalarType.Int64, model.Device);
        Tensor hidden = model.Embed(ids);
        onLayer?.Invoke(0, hidden);
        for (int l = 0; l < model.NumLayers; l++)
        {
            hidden = model.Layer(l, hidden, batch, table.Pool);
            onLayer?.Invoke(l + 1, hidden);
        }

        return hidden.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// One decode step for several sequences at once: the last token of each, batched into one forward.
    /// Keys are every sequence's positions concatenated; a block-diagonal mask keeps each row in its own
    /// sequence (continuous batching, DESIGN §7).
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="sequences">Each sequence's blocks (with capacity for its tokens) and tokens.</param>
    /// <returns>fp32 logits [B, vocab].</returns>
    public static Tensor DecodeBatch(DecoderModel model, IReadOnlyList<(BlockTable Table, IReadOnlyList<int> Tokens)> sequences)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(sequences);
        using var scope = NewDisposeScope();
        using RowBatch batch = RowBatch.ForDecode(model.Rope, sequences.Select(s => (s.Table, s.Tokens.Count)).ToArray(), model.Device);
        Tensor ids = tensor(sequences.Select(s => (long)s.Tokens[^1]).ToArray(), ScalarType.Int64, model.Device);
        Tensor hidden = model.Embed(ids);
        for (int l = 0; l < model.NumLayers; l++)
        {
            hidden = model.Layer(l, hidden, batch, sequences[0].Table.Pool);
        }

        return model.Logits(hidden).MoveToOuterDisposeScope();
    }
}
