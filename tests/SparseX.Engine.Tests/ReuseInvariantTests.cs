using SparseX.Engine.Model;
using SparseX.Engine.Reuse;

namespace SparseX.Engine.Tests;

public class ReuseInvariantTests
{
    public static TheoryData<string, int, AttentionBackend> ModelsAndSeeds()
    {
        var data = new TheoryData<string, int, AttentionBackend>();
        foreach (string name in FixturePaths.ModelNames)
        {
            foreach (int seed in new[] { 1, 2, 3 })
            {
                data.Add(name, seed, AttentionBackend.Explicit);
            }

            data.Add(name, 4, AttentionBackend.Sdpa);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ModelsAndSeeds))]
    public void EveryInvariantHoldsOnRandomMultiSegmentRequests(string name, int seed, AttentionBackend backend)
    {
        using DecoderModel model = DecoderModel.Load(FixturePaths.Model(name));
        model.Backend = backend;
        IReadOnlyList<InvariantResult> results = ReuseCheck.Run(model, seed);
        Assert.True(results.Count >= 10);
        foreach (InvariantResult r in results)
        {
            Assert.True(r.Passed, $"{name} seed {seed}: {r.Name}: diff {r.MaxAbsDiff:g3} (tol {r.Tolerance}) {r.Detail}");
        }
    }
}
