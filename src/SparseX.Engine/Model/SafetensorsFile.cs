using System.Buffers.Binary;
using System.IO.MemoryMappedFiles;
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace SparseX.Engine.Model;

/// <summary>
/// A reader for the safetensors format (8-byte little-endian header length, JSON header, raw data).
/// Hand-written because the maintained .NET option (TorchSharp.PyBridge) loads whole state dicts into a
/// module and cannot read one tensor of a shard on demand or report which tensor of which file is
/// corrupt; the format is small and fully specified. Every offset and shape is validated before use.
/// </summary>
public sealed class SafetensorsFile : IDisposable
{
    private const long MaxHeaderBytes = 100L * 1024 * 1024;
    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private readonly long _dataStart;
    private readonly Dictionary<string, Entry> _entries;

    private SafetensorsFile(string path, MemoryMappedFile map, MemoryMappedViewAccessor view, long dataStart, Dictionary<string, Entry> entries, IReadOnlyDictionary<string, string> metadata)
    {
        Path = path;
        _map = map;
        _view = view;
        _dataStart = dataStart;
        _entries = entries;
        Metadata = metadata;
    }

    /// <summary>Gets the file path.</summary>
    public string Path { get; }

    /// <summary>Gets the <c>__metadata__</c> entries.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Gets the tensor names in the file.</summary>
    public IEnumerable<string> Names => _entries.Keys;

    /// <summary>Opens and validates a safetensors file.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The reader.</returns>
    /// <exception cref="ModelLoadException">The file is missing, truncated or malformed.</exception>
    public static SafetensorsFile Open(string path)
    {
        if (!File.Exists(path))
        {
            throw new ModelLoadException($"'{path}' not found.");
        }

        long length = new FileInfo(path).Length;
        if (length < 8)
        {
            throw new ModelLoadException($"'{path}' is truncated: {length} bytes, a safetensors file starts with an 8-byte header length.");
        }

        Span<byte> lenBytes = stackalloc byte[8];
        using (var fs = File.OpenRead(path))
        {
            fs.ReadExactly(lenBytes);
        }

        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lenBytes);
        if (headerLength == 0 || headerLength > (ulong)MaxHeaderBytes || (long)headerLength > length - 8)
        {
            throw new ModelLoadException($"'{path}' is corrupt or truncated: header length {headerLength} does not fit a {length}-byte file.");
        }

        var map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        var view = map.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
        try
        {
            byte[] header = new byte[headerLength];
            view.ReadArray(8, header, 0, header.Length);
            long dataStart = 8 + (long)headerLength;
            var (entries, metadata) = ParseHeader(path, header, length - dataStart);
            return new SafetensorsFile(path, map, view, dataStart, entries, metadata);
        }
        catch
        {
            view.Dispose();
            map.Dispose();
            throw;
        }
    }

    /// <summary>Gets whether the file holds a tensor.</summary>
    /// <param name="name">The tensor name.</param>
    /// <returns>True if present.</returns>
    public bool Contains(string name) => _entries.ContainsKey(name);

    /// <summary>Gets a tensor's shape without reading it.</summary>
    /// <param name="name">The tensor name.</param>
    /// <returns>The shape.</returns>
    public long[] Shape(string name) => Get(name).Shape;

    /// <summary>Reads a tensor onto the CPU in its stored dtype.</summary>
    /// <param name="name">The tensor name.</param>
    /// <returns>A new CPU tensor owned by the caller.</returns>
    public Tensor Read(string name)
    {
        Entry e = Get(name);
        byte[] bytes = new byte[e.End - e.Begin];
        _view.ReadArray(_dataStart + e.Begin, bytes, 0, bytes.Length);
        Tensor t = torch.empty(e.Shape, e.Dtype);
        if (bytes.Length > 0)
        {
            t.bytes = bytes;
        }

        return t;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _view.Dispose();
        _map.Dispose();
    }

    private Entry Get(string name) =>
        _entries.TryGetValue(name, out Entry? e) ? e : throw new ModelLoadException($"'{Path}' has no tensor '{name}'.");

    private static (Dictionary<string, Entry>, IReadOnlyDictionary<string, string>) ParseHeader(string path, byte[] header, long dataLength)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(header);
        }
        catch (JsonException ex)
        {
            throw new ModelLoadException($"'{path}' is corrupt: its header is not valid JSON ({ex.Message}).", ex);
        }

        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ModelLoadException($"'{path}' is corrupt: its header is not a JSON object.");
            }

            var entries = new Dictionary<string, Entry>(StringComparer.Ordinal);
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (JsonProperty p in doc.RootElement.EnumerateObject())
            {
                if (p.Name == "__metadata__")
                {
                    if (p.Value.ValueKind == JsonValueKind.Object)
                    {
                        foreach (JsonProperty m in p.Value.EnumerateObject())
                        {
                            metadata[m.Name] = m.Value.ToString();
                        }
                    }

                    continue;
                }

                entries[p.Name] = ParseEntry(path, p.Name, p.Value, dataLength);
            }

            return (entries, metadata);
        }
    }

    private static Entry ParseEntry(string path, string name, JsonElement value, long dataLength)
    {
        try
        {
            string dtypeName = value.GetProperty("dtype").GetString() ?? string.Empty;
            (ScalarType dtype, int size) = dtypeName switch
            {
                "F32" => (ScalarType.Float32, 4),
                "F16" => (ScalarType.Float16, 2),
                "BF16" => (ScalarType.BFloat16, 2),
                "F64" => (ScalarType.Float64, 8),
                "I64" => (ScalarType.Int64, 8),
                "I32" => (ScalarType.Int32, 4),
                "I16" => (ScalarType.Int16, 2),
                "I8" => (ScalarType.Int8, 1),
                "U8" => (ScalarType.Byte, 1),
                "BOOL" => (ScalarType.Bool, 1),
                _ => throw new ModelLoadException($"'{path}': tensor '{name}' has dtype '{dtypeName}'; supported: F32, F16, BF16 (and integer/bool for references)."),
            };
            long[] shape = value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
            long[] offsets = value.GetProperty("data_offsets").EnumerateArray().Select(d => d.GetInt64()).ToArray();
            if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] < offsets[0] || offsets[1] > dataLength)
            {
                throw new ModelLoadException($"'{path}' is corrupt or truncated: tensor '{name}' data_offsets [{string.Join(", ", offsets)}] exceed the {dataLength} data bytes.");
            }

            long elements = shape.Aggregate(1L, (a, b) => b < 0 ? -1 : a * b);
            if (elements < 0 || elements * size != offsets[1] - offsets[0])
            {
                throw new ModelLoadException($"'{path}' is corrupt: tensor '{name}' shape [{string.Join(", ", shape)}] × {size} bytes ≠ {offsets[1] - offsets[0]} data bytes.");
            }

            return new Entry(dtype, shape, offsets[0], offsets[1]);
        }
        catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new ModelLoadException($"'{path}' is corrupt: header entry '{name}' lacks dtype/shape/data_offsets ({ex.Message}).", ex);
        }
    }

    private sealed record Entry(ScalarType Dtype, long[] Shape, long Begin, long End);
}
