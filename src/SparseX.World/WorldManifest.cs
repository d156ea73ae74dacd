using System.Text.Json.Nodes;

namespace SparseX.World;

/// <summary>
/// <c>sparsex_world.json</c> in a model directory: which <see cref="WorldVersion"/> the model was trained on, so the
/// quality benchmark and the sample ask it questions in the forms it knows.
/// </summary>
public static class WorldManifest
{
    /// <summary>The file name.</summary>
    public const string FileName = "sparsex_world.json";

    /// <summary>Reads the world version of a model directory.</summary>
    /// <param name="modelDirectory">The model directory.</param>
    /// <returns>The version; <see cref="WorldVersion.V1"/> when the directory has no manifest.</returns>
    /// <exception cref="InvalidDataException">The manifest is malformed or names an unknown version.</exception>
    public static WorldVersion Read(string modelDirectory)
    {
        string path = Path.Combine(modelDirectory, FileName);
        if (!File.Exists(path))
        {
            return WorldVersion.V1;
        }

        int? version = JsonNode.Parse(File.ReadAllText(path))?["world_version"]?.GetValue<int>();
        return version is int v && Enum.IsDefined((WorldVersion)v)
            ? (WorldVersion)v
            : throw new InvalidDataException($"{path}: 'world_version' must be one of {string.Join(", ", Enum.GetValues<WorldVersion>().Select(x => (int)x))}.");
    }

    /// <summary>Writes the manifest into a model directory.</summary>
    /// <param name="modelDirectory">The model directory.</param>
    /// <param name="version">The version the model was trained on.</param>
    public static void Write(string modelDirectory, WorldVersion version) =>
        File.WriteAllText(Path.Combine(modelDirectory, FileName), new JsonObject { ["world_version"] = (int)version }.ToJsonString());
}
