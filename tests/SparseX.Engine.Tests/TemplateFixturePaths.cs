namespace SparseX.Engine.Tests;

/// <summary>Locates the shared fixtures (<c>shared/fixtures</c>) for the chat-template tests.</summary>
internal static class TemplateFixturePaths
{
    private static readonly Lazy<string> FixturesRoot = new(Find);

    /// <summary>Gets the <c>shared/fixtures</c> directory.</summary>
    public static string Root => FixturesRoot.Value;

    /// <summary>Gets <c>shared/fixtures/chat-templates</c>.</summary>
    public static string ChatTemplates => Path.Combine(Root, "chat-templates");

    /// <summary>Gets the fixture tokenizer directory (<c>shared/fixtures/hf-reference/_tokenizer</c>).</summary>
    public static string FixtureTokenizer => Path.Combine(Root, "hf-reference", "_tokenizer");

    // Walk up from the test binaries until a directory holds shared/fixtures (the checkout's parent in a worktree
    // layout, or a sibling ../shared next to a CI clone).
    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared", "fixtures");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException(
            $"No shared/fixtures directory found above {AppContext.BaseDirectory}; the chat-template tests need ../shared beside the checkout.");
    }
}
