using SparseX.Engine.Cache;
using SparseX.Engine.Model;
using SparseX.Engine.Runtime;
using static TorchSharp.torch;

namespace SparseX.Engine.Tests;

/// <summary>The random-weight factory the GPU benchmark uses, exercised on the CPU with a small shape.</summary>
public class ModelFactoryTests
{
    [Fact]
    public void RandomModelOfAGivenShapeRunsPrefillAndBatchedDecode()
    {
        ModelConfig shape = ModelShapes.Qwen25_7B with { HiddenSize = 64, IntermediateSize = 96, NumLayers = 2, NumHeads = 4, NumKvHeads = 2, HeadDim = 16, VocabSize = 300 };
        using DecoderModel model = DecoderModel.CreateRandom(shape, ScalarType.Float32, CPU, seed: 3);
        using var scope = NewDisposeScope();
        using KvBlockPool pool = model.CreatePool(16, 16);
        using var a = new BlockTable(pool);
        using var b = new BlockTable(pool);
        int[] ta = Enumerable.Range(5, 20).ToArray(), tb = Enumerable.Range(40, 33).ToArray();
        a.EnsureCapacity(ta.Length);
        b.EnsureCapacity(tb.Length);
        Tensor la = model.Logits(DenseForward.Run(model, a, ta, 0)[^1..]);
        Tensor lb = model.Logits(DenseForward.Run(model, b, tb, 0)[^1..]);

        // Recompute both last tokens as one batched decode step: same logits as their own prefill rows.
        Tensor batched = DenseForward.DecodeBatch(model, new (BlockTable, IReadOnlyList<int>)[] { (a, ta), (b, tb) });
        Assert.Equal(new long[] { 2, 300 }, batched.shape);
        Assert.True((batched[0] - la[0]).abs().max().item<float>() < 1e-4);
        Assert.True((batched[1] - lb[0]).abs().max().item<float>() < 1e-4);
        Assert.Throws<ArgumentException>(() => ModelShapes.ByName("gpt-5"));
    }
}
