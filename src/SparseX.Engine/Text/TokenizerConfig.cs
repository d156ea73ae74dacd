using System.Text.Json;

namespace SparseX.Engine.Text;

/// <summary>
/// The special-token settings of a checkpoint: <c>tokenizer_config.json</c> (bos/eos/pad/unk token, each a
/// string or a <c>{"content": ...}</c> object, and <c>add_bos_token</c>) and the <c>eos_token_id</c> of
/// <c>generation_config.json</c> (an id or a list of ids: generation stops on any of them). Both files are
/// optional.
/// </summary>
internal sealed record TokenizerConfig(
    string? BosToken,
    string? EosToken,
    string? PadToken,
    string? UnkToken,
    bool? AddBosToken,
    IReadOnlyList<int> GenerationEosTokenIds)
{
    /// <summary>The tokenizer config file name.</summary>
    public const string TokenizerConfigFileName = "tokenizer_config.json";

    /// <summary>The generation config file name.</summary>
    public const string GenerationConfigFileName = "generation_config.json";

    /// <summary>Reads the optional config files of a checkpoint directory.</summary>
    /// <exception cref="InvalidDataException">A file exists but cannot be read as expected; the message names it.</exception>
    public static TokenizerConfig Load(string checkpointDir)
    {
        string? bos = null, eos = null, pad = null, unk = null;
        bool? addBos = null;
        var path = Path.Combine(checkpointDir, TokenizerConfigFileName);
        if (File.Exists(path))
        {
            using var doc = Parse(path);
            var root = doc.RootElement;
            bos = TokenContent(root, "bos_token", path);
            eos = TokenContent(root, "eos_token", path);
            pad = TokenContent(root, "pad_token", path);
            unk = TokenContent(root, "unk_token", path);
            if (root.TryGetProperty("add_bos_token", out var add) && add.ValueKind is not JsonValueKind.Null)
            {
                addBos = add.ValueKind switch
                {
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    _ => throw new InvalidDataException($"'{path}': add_bos_token is not a boolean."),
                };
            }
        }

        var generationEos = new List<int>();
        path = Path.Combine(checkpointDir, GenerationConfigFileName);
        if (File.Exists(path))
        {
            using var doc = Parse(path);
            if (doc.RootElement.TryGetProperty("eos_token_id", out var ids))
            {
                switch (ids.ValueKind)
                {
                    case JsonValueKind.Number:
                        generationEos.Add(Id(ids, path));
                        break;
                    case JsonValueKind.Array:
                        generationEos.AddRange(ids.EnumerateArray().Select(id => Id(id, path)));
                        break;
                    case JsonValueKind.Null:
                        break;
                    default:
                        throw new InvalidDataException($"'{path}': eos_token_id is neither an id nor a list of ids.");
                }
            }
        }

        return new TokenizerConfig(bos, eos, pad, unk, addBos, generationEos);
    }

    private static JsonDocument Parse(string path)
    {
        try
        {
            var doc = JsonDocument.Parse(File.ReadAllText(path));
            if (doc.RootElement.ValueKind is not JsonValueKind.Object)
            {
                doc.Dispose();
                throw new InvalidDataException($"'{path}' does not hold a JSON object.");
            }

            return doc;
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"'{path}' is not valid JSON: {ex.Message}", ex);
        }
    }

    private static string? TokenContent(JsonElement root, string name, string path)
    {
        if (!root.TryGetProperty(name, out var token))
        {
            return null;
        }

        return token.ValueKind switch
        {
            JsonValueKind.Null => null,
            JsonValueKind.String => token.GetString(),
            JsonValueKind.Object when token.TryGetProperty("content", out var content) && content.ValueKind is JsonValueKind.String
                => content.GetString(),
            _ => throw new InvalidDataException($"'{path}': {name} is neither a string nor an object with a \"content\" string."),
        };
    }

    private static int Id(JsonElement id, string path) =>
        id.ValueKind is JsonValueKind.Number && id.TryGetInt32(out var value) && value >= 0
            ? value
            : throw new InvalidDataException($"'{path}': eos_token_id holds something that is not a token id.");
}
