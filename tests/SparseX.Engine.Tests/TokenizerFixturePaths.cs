namespace SparseX.Engine.Tests;

/// <summary>Finds the shared HF reference fixtures by walking up from the test binaries.</summary>
internal static class TokenizerFixturePaths
{
    private static readonly Lazy<string> Root = new(FindRoot);

    /// <summary>The <c>shared/fixtures/hf-reference</c> directory.</summary>
    public static string HfReference => Path.Combine(Root.Value, "hf-reference");

    /// <summary>The tokenizer-only fixture: tokenizer.json, tokenizer_config.json, tokenizer_cases.json.</summary>
    public static string TokenizerDir => Path.Combine(HfReference, "_tokenizer");

    /// <summary>The expected ids of <see cref="TokenizerDir"/>'s strings.</summary>
    public static string CasesFile => Path.Combine(TokenizerDir, "tokenizer_cases.json");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "fixtures");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException($"No directory containing shared/fixtures above '{AppContext.BaseDirectory}'.");
    }
}
