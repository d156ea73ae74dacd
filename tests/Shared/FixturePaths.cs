namespace SparseX.Tests;

/// <summary>
/// Locates <c>shared/fixtures</c> (beside the checkout, or inside it) and the committed demo model
/// (<c>models/sparsex-demo</c> in the checkout) from the test binaries. Linked into every test project.
/// </summary>
internal static class FixturePaths
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

        throw new DirectoryNotFoundException("shared/fixtures not found above " + AppContext.BaseDirectory);
    });

    private static readonly Lazy<string> DemoRoot = new(() =>
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
    });

    public static string Fixtures => Root.Value;

    /// <summary>Gets the committed demo model's directory (<c>models/sparsex-demo</c>).</summary>
    public static string DemoModel => DemoRoot.Value;

    public static string HfReference => Path.Combine(Fixtures, "hf-reference");

    public static string ChatTemplates => Path.Combine(Fixtures, "chat-templates");

    public static string FixtureTokenizer => Path.Combine(HfReference, "_tokenizer");

    public static string TokenizerCases => Path.Combine(FixtureTokenizer, "tokenizer_cases.json");

    public static string LlamaGqa => Model("llama-gqa-f32");

    public static string Model(string name) => Path.Combine(HfReference, name);

    public static string ChatTemplate(string fileName) => Path.Combine(ChatTemplates, fileName);

    public static IEnumerable<string> ModelNames =>
        Directory.GetDirectories(HfReference).Select(Path.GetFileName).Where(n => n is not null && !n.StartsWith('_')).Select(n => n!).Order();
}
