using SparseX.Engine.Reuse;

namespace SparseX.Cli.Tests;

public class ReuseOracleTests
{
    [Fact]
    public void TopTakesTheLargestDeviationsWithTiesByPosition()
    {
        var deviation = new SortedDictionary<int, double> { [10] = 0.5, [11] = 2.0, [12] = 0.5, [13] = 1.0, [14] = 0.0 };
        Assert.Equal([11], ReuseOracle.Top(deviation, 0.2));          // ⌈0.2·5⌉ = 1
        Assert.Equal([11, 13], ReuseOracle.Top(deviation, 0.3));      // ⌈1.5⌉ = 2
        Assert.Equal([10, 11, 13], ReuseOracle.Top(deviation, 0.5));  // ⌈2.5⌉ = 3; 10 wins the tie with 12
        Assert.Empty(ReuseOracle.Top(deviation, 0));
    }

    [Fact]
    public void RecallCountsTheSelectedShareOfTheOracle()
    {
        Assert.Equal(1.0, ReuseOracle.Recall([11, 13, 20], [11, 13]));
        Assert.Equal(0.5, ReuseOracle.Recall([11, 12], [11, 13]));
        Assert.Equal(0.0, ReuseOracle.Recall([], [11]));
        Assert.Null(ReuseOracle.Recall([1], []));
    }
}
