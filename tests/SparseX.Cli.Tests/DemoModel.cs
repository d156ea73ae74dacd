using SparseX.Cli.Quality;
using SparseX.Engine.Model;
using SparseX.Engine.Text;
using SparseX.Engine.Text.Templates;

namespace SparseX.Cli.Tests;

/// <summary>The committed demo model (<c>models/sparsex-demo</c>), loaded once for the benchmark tests.</summary>
public sealed class DemoModel : IDisposable
{
    public DemoModel()
    {
        Directory = FixturePaths.DemoModel;
        Model = DecoderModel.Load(Directory);
        Tokenizer = HfTokenizer.FromDirectory(Directory);
        Template = ChatTemplate.FromDirectory(Directory);
        World = SparseX.World.WorldManifest.Read(Directory);
    }

    public string Directory { get; }

    public DecoderModel Model { get; }

    public HfTokenizer Tokenizer { get; }

    public ChatTemplate Template { get; }

    /// <summary>Gets the world version the model was trained on (its <c>sparsex_world.json</c>); its questions are asked.</summary>
    public SparseX.World.WorldVersion World { get; }

    internal QualityBenchmark Benchmark() => new(Model, Tokenizer, Template);

    public void Dispose()
    {
        Model.Dispose();
        Tokenizer.Dispose();
    }
}
