using SparseX.Engine.Model;
using SparseX.Engine.Text;
using SparseX.World;

namespace SparseX.Train.Tests;

public class DemoModelTests
{
    private static string DemoDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "models", "sparsex-demo");
            if (File.Exists(Path.Combine(candidate, "config.json")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("models/sparsex-demo not found above " + AppContext.BaseDirectory);
    }

    [Fact]
    public void CommittedDemoModelMatchesTransformersReferences()
    {
        string dir = DemoDirectory();
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
}
