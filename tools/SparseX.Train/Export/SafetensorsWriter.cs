using System.Text;
using System.Text.Json.Nodes;
using TorchSharp;
using static TorchSharp.torch;

namespace SparseX.Train.Export;

/// <summary>Writes tensors to a <c>.safetensors</c> file (little-endian header length, JSON header, raw data).</summary>
public static class SafetensorsWriter
{
    /// <summary>Writes named tensors (copied to the CPU, contiguous) in the given order.</summary>
    /// <param name="path">The file.</param>
    /// <param name="tensors">Name and tensor pairs; dtypes F32, F16, BF16, I64 or I32.</param>
    /// <param name="metadata">Optional string metadata.</param>
    public static void Write(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var header = new JsonObject();
        var meta = new JsonObject { ["format"] = "pt" };
        foreach (var (k, v) in metadata ?? new Dictionary<string, string>())
        {
            meta[k] = v;
        }

        header["__metadata__"] = meta;
        var blobs = new List<byte[]>();
        long offset = 0;
        foreach (var (name, t) in tensors)
        {
            using Tensor c = t.detach().contiguous().cpu();
            byte[] data = c.bytes.ToArray();
            header[name] = new JsonObject
            {
                ["dtype"] = DtypeName(c.dtype),
                ["shape"] = new JsonArray(c.shape.Select(s => (JsonNode)s).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + data.Length),
            };
            offset += data.Length;
            blobs.Add(data);
        }

        byte[] json = Encoding.UTF8.GetBytes(header.ToJsonString());
        int pad = (8 - (json.Length % 8)) % 8;
        using var fs = File.Create(path);
        using var w = new BinaryWriter(fs);
        w.Write((ulong)(json.Length + pad));
        w.Write(json);
        for (int i = 0; i < pad; i++)
        {
            w.Write((byte)' ');
        }

        foreach (byte[] b in blobs)
        {
            w.Write(b);
        }
    }

    private static string DtypeName(ScalarType t) => t switch
    {
        ScalarType.Float32 => "F32",
        ScalarType.Float16 => "F16",
        ScalarType.BFloat16 => "BF16",
        ScalarType.Int64 => "I64",
        ScalarType.Int32 => "I32",
        _ => throw new NotSupportedException($"dtype {t} is not written."),
    };
}
