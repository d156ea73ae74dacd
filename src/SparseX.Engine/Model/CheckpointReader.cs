using System.Text.Json;
using static TorchSharp.torch;

namespace SparseX.Engine.Model;

/// <summary>
/// The weights of a Hugging Face checkpoint directory: <c>model.safetensors</c>, or shards listed in
/// <c>model.safetensors.index.json</c>. Tensors are read on demand by name.
/// </summary>
public sealed class CheckpointReader : IDisposable
{
    private readonly Dictionary<string, SafetensorsFile> _byTensor = new(StringComparer.Ordinal);
    private readonly List<SafetensorsFile> _files = new();

    private CheckpointReader(string directory) => Directory = directory;

    /// <summary>Gets the checkpoint directory.</summary>
    public string Directory { get; }

    /// <summary>Gets every tensor name in the checkpoint.</summary>
    public IEnumerable<string> Names => _byTensor.Keys;

    /// <summary>Opens a checkpoint directory's weights.</summary>
    /// <param name="directory">The directory.</param>
    /// <returns>The reader.</returns>
    /// <exception cref="ModelLoadException">No weights, a missing shard, or a corrupt file.</exception>
    public static CheckpointReader Open(string directory)
    {
        var reader = new CheckpointReader(directory);
        try
        {
            string single = Path.Combine(directory, "model.safetensors");
            string index = Path.Combine(directory, "model.safetensors.index.json");
            if (File.Exists(index))
            {
                reader.OpenSharded(index);
            }
            else if (File.Exists(single))
            {
                reader.Add(SafetensorsFile.Open(single));
            }
            else
            {
                throw new ModelLoadException(
                    $"'{directory}' has neither model.safetensors nor model.safetensors.index.json (only safetensors weights are supported, not .bin/.pt).");
            }

            return reader;
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    /// <summary>Gets whether the checkpoint holds a tensor.</summary>
    /// <param name="name">The tensor name.</param>
    /// <returns>True if present.</returns>
    public bool Contains(string name) => _byTensor.ContainsKey(name);

    /// <summary>Reads a tensor, checks its shape and converts it to the given dtype and device.</summary>
    /// <param name="name">The tensor name.</param>
    /// <param name="expectedShape">The shape the configuration implies.</param>
    /// <param name="dtype">The compute dtype.</param>
    /// <param name="device">The target device.</param>
    /// <returns>A new tensor owned by the caller.</returns>
    /// <exception cref="ModelLoadException">The tensor is missing or has another shape.</exception>
    public Tensor Load(string name, long[] expectedShape, ScalarType dtype, Device device)
    {
        if (!_byTensor.TryGetValue(name, out SafetensorsFile? file))
        {
            throw new ModelLoadException($"Checkpoint '{Directory}' is missing tensor '{name}'.");
        }

        long[] shape = file.Shape(name);
        if (!shape.SequenceEqual(expectedShape))
        {
            throw new ModelLoadException(
                $"'{file.Path}': tensor '{name}' has shape [{string.Join(", ", shape)}] but config.json implies [{string.Join(", ", expectedShape)}].");
        }

        using Tensor raw = file.Read(name);
        return raw.to(dtype, device);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (SafetensorsFile f in _files)
        {
            f.Dispose();
        }

        _files.Clear();
        _byTensor.Clear();
    }

    private void OpenSharded(string indexPath)
    {
        Dictionary<string, string> weightMap;
        try
        {
            using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(indexPath));
            weightMap = doc.RootElement.GetProperty("weight_map").EnumerateObject()
                .ToDictionary(p => p.Name, p => p.Value.GetString() ?? string.Empty, StringComparer.Ordinal);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new ModelLoadException($"'{indexPath}' is malformed: expected {{\"weight_map\": {{tensor: file}}}} ({ex.Message}).", ex);
        }

        var opened = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
        foreach ((string tensor, string shard) in weightMap)
        {
            if (!opened.TryGetValue(shard, out SafetensorsFile? file))
            {
                string shardPath = Path.Combine(Directory, shard);
                if (!File.Exists(shardPath))
                {
                    throw new ModelLoadException($"'{indexPath}' lists shard '{shard}' which does not exist in '{Directory}'.");
                }

                file = SafetensorsFile.Open(shardPath);
                opened[shard] = file;
                _files.Add(file);
            }

            if (!file.Contains(tensor))
            {
                throw new ModelLoadException($"'{indexPath}' maps '{tensor}' to '{shard}', but that shard has no such tensor.");
            }

            _byTensor[tensor] = file;
        }
    }

    private void Add(SafetensorsFile file)
    {
        _files.Add(file);
        foreach (string name in file.Names)
        {
            _byTensor[name] = file;
        }
    }
}
