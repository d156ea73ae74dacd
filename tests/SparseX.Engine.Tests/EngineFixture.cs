using SparseX.Engine.Runtime;

namespace SparseX.Engine.Tests;

/// <summary>One engine over the llama GQA fixture, shared by a test class.</summary>
public sealed class EngineFixture : IDisposable
{
    public EngineFixture()
    {
        Engine = SparseXEngine.Load(new EngineOptions { ModelPath = FixturePaths.Model("llama-gqa-f32"), KvCacheBytes = 8L * 1024 * 1024 });
    }

    public SparseXEngine Engine { get; }

    public void Dispose() => Engine.Dispose();
}
