using SparseX.Engine.Model;

namespace SparseX.Engine.Tests;

public class HfReferenceTests
{
    public static TheoryData<string, AttentionBackend> Models()
    {
        var data = new TheoryData<string, AttentionBackend>();
        foreach (string name in FixturePaths.ModelNames)
        {
            data.Add(name, AttentionBackend.Explicit);
            data.Add(name, AttentionBackend.Sdpa);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void LogitsHiddenStatesAndGreedyTokensMatchTransformers(string name, AttentionBackend backend)
    {
        string dir = FixturePaths.Model(name);
        using DecoderModel model = DecoderModel.Load(dir);
        model.Backend = backend;
        using ReferenceSet references = ReferenceSet.Open(Path.Combine(dir, "references.safetensors"));
        var results = ReferenceVerifier.Verify(model, references);

        Assert.Equal(new[] { "chat", "long", "short" }, results.Select(r => r.Prompt));
        foreach (ReferenceComparison r in results)
        {
            Assert.True(r.MaxLogitDiff <= 1e-3, $"{name}/{r.Prompt}: logits differ by {r.MaxLogitDiff:g3}");
            Assert.True(r.GreedyMatch, $"{name}/{r.Prompt}: greedy differs: {string.Join(",", r.GreedyTokens)}");
        }

        ReferenceComparison shortPrompt = results.Single(r => r.Prompt == "short");
        Assert.NotNull(shortPrompt.MaxHiddenDiff);
        Assert.True(shortPrompt.MaxHiddenDiff <= 1e-3, $"{name}/short: hidden states differ by {shortPrompt.MaxHiddenDiff:g3}");
    }

    [Fact]
    public void Bfloat16ComputeStaysCloseToTheFloat32Reference()
    {
        string dir = FixturePaths.Model("qwen2-bias-tied-f16");
        using DecoderModel model = DecoderModel.Load(dir, TorchSharp.torch.ScalarType.BFloat16);
        using ReferenceSet references = ReferenceSet.Open(Path.Combine(dir, "references.safetensors"));
        using TorchSharp.torch.Tensor expected = references.Logits("short");
        double range = expected.abs().max().item<float>();
        ReferenceComparison r = ReferenceVerifier.Verify(model, references).Single(c => c.Prompt == "short");
        Assert.True(r.MaxLogitDiff > 0, "bf16 should not be bit-identical to the fp32 reference");
        Assert.True(r.MaxLogitDiff < 0.05 * range, $"bf16 logits differ by {r.MaxLogitDiff} of range {range}");
        Assert.Equal(ModelConfig.Load(dir).EosTokenIds, new[] { 2 });
    }
}
