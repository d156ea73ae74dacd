namespace SparseX.Hosting.Tests;

/// <summary>Locates <c>../shared/fixtures</c> by walking up from the test binaries.</summary>
internal static class HostingFixturePaths
{
    private static readonly Lazy<string> Root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            foreach (string candidate in new[] { Path.Combine(dir.FullName, "shared", "fixtures"), Path.Combine(dir.FullName, "..", "shared", "fixtures") })
            {
                if (Directory.Exists(candidate))
                {
                    return Path.GetFullPath(candidate);
                }
            }
        }

        throw new DirectoryNotFoundException($"No shared/fixtures directory found above {AppContext.BaseDirectory}; the hosting tests need ../shared beside the checkout.");
    });

    /// <summary>Gets the fixtures directory.</summary>
    public static string Fixtures => Root.Value;

    /// <summary>Gets the tiny llama GQA checkpoint (fp32, 4 layers, vocab 2048, context 4096).</summary>
    public static string LlamaGqa => Path.Combine(Fixtures, "hf-reference", "llama-gqa-f32");
}
