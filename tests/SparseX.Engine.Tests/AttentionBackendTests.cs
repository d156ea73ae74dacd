using SparseX.Engine.Cache;
using SparseX.Engine.Model;
using static TorchSharp.torch;

namespace SparseX.Engine.Tests;

public class AttentionBackendTests
{
    [Theory]
    [InlineData("llama-gqa-f32", MaskKind.SortedRows)]
    [InlineData("qwen3-qknorm-headdim-f32", MaskKind.SortedRows)]
    [InlineData("llama-gqa-f32", MaskKind.Suffix)]
    [InlineData("llama-gqa-f32", MaskKind.Rows)]
    public void SdpaMatchesExplicitAttentionForEveryRowShapeAndTheSparseQProbe(string name, MaskKind kind)
    {
        using var scope = NewDisposeScope();
        using DecoderModel model = DecoderModel.Load(FixturePaths.Model(name));
        model.ProbeChunkRows = 3; // several chunks
        model.SparseRowChunk = 5;
        using KvBlockPool pool = model.CreatePool(16, 16);
        using var table = new BlockTable(pool);
        const int n = 60;
        table.EnsureCapacity(n);
        var random = new Random(5);
        long[] rows = kind switch
        {
            MaskKind.Suffix => Enumerable.Range(20, n - 20).Select(p => (long)p).ToArray(),
            MaskKind.Rows => Enumerable.Range(0, n).Where(_ => random.NextDouble() < 0.4).Select(p => (long)p).Append(n - 1).Distinct().Reverse().ToArray(),
            _ => Enumerable.Range(0, n).Where(_ => random.NextDouble() < 0.4).Select(p => (long)p).Append(n - 1).Distinct().ToArray(),
        };
        using RowBatch batch = RowBatch.ForSequence(model.Rope, rows, n, table.Slot, model.Device);
        Assert.Equal(kind, batch.Kind);

        // Fill every position's KV first so scattered rows read real keys.
        Runtime.DenseForward.Run(model, table, Enumerable.Range(0, n).Select(i => 5 + i).ToArray(), 0);
        Tensor hidden = randn(rows.Length, model.Config.HiddenSize);
        Tensor probeRows = tensor(new long[] { 0, 2, 5, rows.Length - 1 });

        model.Backend = AttentionBackend.Explicit;
        using var p1 = new AttentionProbe(probeRows.clone());
        Tensor a = model.Layer(1, hidden, batch, pool, p1);
        model.Backend = AttentionBackend.Sdpa;
        using var p2 = new AttentionProbe(probeRows.clone());
        Tensor b = model.Layer(1, hidden, batch, pool, p2);

        Assert.True((a - b).abs().max().item<float>() < 1e-4);
        Assert.True((p1.Importance! - p2.Importance!).abs().max().item<float>() < 1e-4);
        Assert.Equal(probeRows.shape[0] * model.Config.NumHeads, p1.Importance!.sum().item<float>(), 2);
    }
}
