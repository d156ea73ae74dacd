namespace SparseX.SemanticKernel.Tests;

/// <summary>Locates <c>../shared/fixtures</c> by walking up from the test binaries.</summary>
internal static class ConnectorFixturePaths
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

    public static string Fixtures => Root.Value;

    /// <summary>The tiny llama checkpoint whose chat_template.jinja is ChatML.</summary>
    public static string LlamaModel => Path.Combine(Fixtures, "hf-reference", "llama-gqa-f32");

    public static string ChatTemplate(string fileName) => Path.Combine(Fixtures, "chat-templates", fileName);
}
