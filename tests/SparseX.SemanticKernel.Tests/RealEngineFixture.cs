using SparseX.Engine.Runtime;

namespace SparseX.SemanticKernel.Tests;

/// <summary>One in-process engine over the llama fixture (ChatML template), shared by a test class.</summary>
public sealed class RealEngineFixture : IDisposable
{
    public RealEngineFixture()
    {
        Engine = SparseXEngine.Load(new EngineOptions { ModelPath = FixturePaths.LlamaGqa, KvCacheBytes = 16L * 1024 * 1024 });
        Generator = new SparseXEngineGenerator(Engine, ownsEngine: true);
    }

    public SparseXEngine Engine { get; }

    public SparseXEngineGenerator Generator { get; }

    public void Dispose() => Generator.Dispose();
}
