using SparseX.Engine.Model;
using SparseX.Engine.Text;
using SparseX.World;

namespace SparseX.Train.Tests;

public class DemoModelTests
{
    [Fact]
    public void CommittedDemoModelMatchesTransformersReferences()
    {
        string dir = FixturePaths.DemoModel;
        Assert.True(new DirectoryInfo(dir).GetFiles().Sum(f => f.Length) < 50L * 1024 * 1024);
        using DecoderModel model = DecoderModel.Load(dir);
        using ReferenceSet refs = ReferenceSet.Open(Path.Combine(dir, "references.safetensors"));
        var results = ReferenceVerifier.Verify(model, refs);
        Assert.Equal(2, results.Count);
        Assert.All(results, r => Assert.True(r.Passes(1e-3), $"{r.Prompt}: max |Δ logit| {r.MaxLogitDiff}, greedy {r.GreedyMatch}"));

        using var tok = HfTokenizer.FromDirectory(dir);
        Assert.Equal(ChatMl.ImEnd, tok.EosToken);
        Assert.Equal(model.Config.EosTokenIds, [tok.TokenToId(ChatMl.ImEnd)!.Value]);
    }

    [Fact]
    public void CommittedTokenizerCoversEveryWorldVersion()
    {
        // A model continues training on another world version with --init only if its tokenizer has every word of it.
        using var tok = HfTokenizer.FromDirectory(FixturePaths.DemoModel);
        int unk = tok.TokenToId("<unk>")!.Value;
        foreach (WorldVersion version in Enum.GetValues<WorldVersion>())
        {
            foreach (CorpusSplit split in Enum.GetValues<CorpusSplit>())
            {
                var gen = new CorpusGenerator(9, split, text => tok.Encode(text).Length, version: version);
                for (int i = 0; i < 60; i++)
                {
                    Conversation conv = gen.Sample(i, difficulty: i % 3 / 2.0, maxQuestions: 4);
                    string text = conv.Render();
                    int[] ids = tok.Encode(text);
                    int at = Array.IndexOf(ids, unk);
                    Assert.True(at < 0, $"{version} {split} sample {i}: <unk> after '{(at < 0 ? "" : tok.Decode(ids[Math.Max(0, at - 6)..at]))}'");
                }
            }
        }
    }
}
