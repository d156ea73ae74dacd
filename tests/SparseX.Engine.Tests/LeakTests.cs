using SparseX.Engine.Runtime;
using TorchSharp;

namespace SparseX.Engine.Tests;

/// <summary>Tests that count live tensors run alone: other test classes create tensors in parallel.</summary>
[CollectionDefinition(nameof(SerialCollection), DisableParallelization = true)]
public sealed class SerialCollection
{
}

[Collection(nameof(SerialCollection))]
public class LeakTests
{
    [Fact]
    public async Task HundredSequentialGenerationsLeakNoTensorsOrBlocks()
    {
        using var engine = SparseXEngine.Load(new EngineOptions { ModelPath = FixturePaths.Model("llama-gqa-f32"), KvCacheBytes = 8L * 1024 * 1024 });
        var (prompt, _) = GenerationTests.Reference();
        await engine.GenerateTextAsync(GenerationTests.Greedy(prompt, 4));
        await GenerationTests.WaitIdleAsync(engine);
        long tensorsBefore = torch.Tensor.TotalCount;
        for (int i = 0; i < 100; i++)
        {
            await engine.GenerateTextAsync(GenerationTests.Greedy(prompt[..(10 + (i % 30))], 4));
        }

        await GenerationTests.WaitIdleAsync(engine);
        Assert.Equal(0, engine.Stats.KvBlocksUsed);
        Assert.True(torch.Tensor.TotalCount - tensorsBefore <= 2, $"live tensors grew by {torch.Tensor.TotalCount - tensorsBefore}");
    }
}
