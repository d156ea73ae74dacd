using SparseX.Engine.Model;
using SparseX.Engine.Reuse;

namespace SparseX.Engine.Tests;

public class ReuseInvariantTests
{
    public static TheoryData<string, int> ModelsAndSeeds()
    {
        var data = new TheoryData<string, int>();
        foreach (string name in FixturePaths.ModelNames)
        {
            foreach (int seed in new[] { 1, 2, 3 })
            {
                data.Add(name, seed);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ModelsAndSeeds))]
    public void EveryInvariantHoldsOnRandomMultiSegmentRequests(string name, int seed)
    {
        using DecoderModel model = DecoderModel.Load(FixturePaths.Model(name));
        IReadOnlyList<InvariantResult> results = ReuseCheck.Run(model, seed);
        Assert.True(results.Count >= 10);
        foreach (InvariantResult r in results)
        {
            Assert.True(r.Passed, $"{name} seed {seed}: {r.Name}: diff {r.MaxAbsDiff:g3} (tol {r.Tolerance}) {r.Detail}");
        }
    }
}
