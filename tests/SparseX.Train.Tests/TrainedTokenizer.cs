using SparseX.Engine.Text;
using SparseX.Train.Text;

namespace SparseX.Train.Tests;

/// <summary>The project's tokenizer, built once into a temporary directory for the test class.</summary>
public sealed class TrainedTokenizer : IDisposable
{
    public TrainedTokenizer()
    {
        Directory = Path.Combine(Path.GetTempPath(), "sparsex-train-tok-" + Guid.NewGuid().ToString("N"));
        WordTokenizerBuilder.Write(Directory, samples: 1000);
        Tokenizer = HfTokenizer.FromDirectory(Directory);
    }

    public string Directory { get; }

    public HfTokenizer Tokenizer { get; }

    public void Dispose()
    {
        Tokenizer.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
