namespace SparseX.Engine.Tests;

/// <summary>Locates <c>../shared/fixtures</c> from the test binaries.</summary>
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

    public static string Fixtures => Root.Value;

    public static string HfReference => Path.Combine(Fixtures, "hf-reference");

    public static string Model(string name) => Path.Combine(HfReference, name);

    public static IEnumerable<string> ModelNames =>
        Directory.GetDirectories(HfReference).Select(Path.GetFileName).Where(n => n is not null && !n.StartsWith('_')).Select(n => n!).Order();
}
