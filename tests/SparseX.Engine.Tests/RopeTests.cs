using SparseX.Engine.Cache;
using SparseX.Engine.Model;
using SparseX.Engine.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace SparseX.Engine.Tests;

public class RopeTests
{
    public static TheoryData<string> Variants => new() { "default", "linear", "llama3" };

    private static RopeScaling Scaling(string type) => type switch
    {
        "linear" => new RopeScaling(RopeType.Linear, 10000, Factor: 4),
        "llama3" => new RopeScaling(RopeType.Llama3, 500000, Factor: 8, LowFreqFactor: 1, HighFreqFactor: 4, OriginalMaxPositionEmbeddings: 512),
        _ => new RopeScaling(RopeType.Default, 10000),
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public void RotatingKeysByDeltaEqualsEmbeddingThemAtTheShiftedPositions(string type)
    {
        TorchRuntime.Initialize();
        using var scope = NewDisposeScope();
        using var rope = new Rope(Scaling(type), 64, CPU);
        torch.random.manual_seed(3);
        Tensor x = randn(20, 2, 64);
        foreach (long delta in new long[] { 1, 17, 600, -5 })
        {
            Tensor at = arange(10, 30, dtype: ScalarType.Int64);
            (Tensor c1, Tensor s1) = rope.Tables(at);
            (Tensor c2, Tensor s2) = rope.Tables(at + delta);
            Tensor moved = rope.RotateBy(Rope.Apply(x, c1, s1), delta);
            Tensor direct = Rope.Apply(x, c2, s2);
            Assert.True((moved - direct).abs().max().item<float>() < 1e-4, $"{type} Δ={delta}");
        }
    }

    [Fact]
    public void Llama3InvFreqScalesLowFrequenciesOnly()
    {
        TorchRuntime.Initialize();
        using Tensor plain = Rope.ComputeInvFreq(Scaling("default") with { Theta = 500000 }, 64);
        using Tensor scaled = Rope.ComputeInvFreq(Scaling("llama3"), 64);
        float[] p = plain.data<float>().ToArray(), s = scaled.data<float>().ToArray();
        Assert.Equal(p[0], s[0]);                           // highest frequency untouched
        Assert.Equal(p[^1] / 8, s[^1], 6);                  // lowest frequency divided by the factor
    }

    public static TheoryData<string> Models => new(FixturePaths.ModelNames);

    [Theory]
    [MemberData(nameof(Models))]
    public void LayerZeroKeysComputedAtPPlusDeltaEqualRotatedKeysComputedAtP(string name)
    {
        using var scope = NewDisposeScope();
        using DecoderModel model = DecoderModel.Load(FixturePaths.Model(name));
        using KvBlockPool pool = model.CreatePool(64, 16);
        int[] tokens = Enumerable.Range(0, 24).Select(i => 7 + (i * 13 % 1000)).ToArray();
        const int delta = 37;
        int[] shifted = Enumerable.Repeat(9, delta).Concat(tokens).ToArray();

        using var a = new BlockTable(pool);
        a.EnsureCapacity(tokens.Length);
        DenseForward.Run(model, a, tokens, 0);
        using var b = new BlockTable(pool);
        b.EnsureCapacity(shifted.Length);
        DenseForward.Run(model, b, shifted, 0);

        Tensor ka = pool.Keys(0).index_select(0, tensor(Enumerable.Range(0, tokens.Length).Select(a.Slot).ToArray()));
        Tensor kb = pool.Keys(0).index_select(0, tensor(Enumerable.Range(delta, tokens.Length).Select(b.Slot).ToArray()));
        Assert.True((model.Rope.RotateBy(ka, delta) - kb).abs().max().item<float>() < 1e-4);
    }
}
