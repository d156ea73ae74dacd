using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SparseX.Engine.Text;

/// <summary>
/// What the engine reads from a Hugging Face <c>tokenizer.json</c> itself, next to the native tokenizer.
/// </summary>
/// <remarks>
/// Tokenizers.DotNet 1.4.1 exposes only <c>Encode(string)</c> and <c>Decode(uint[])</c>, and its native side
/// hard-codes <c>encode(text, add_special_tokens: true)</c> and <c>decode(ids, skip_special_tokens: true)</c>;
/// it has no vocabulary lookup. So this class
/// <list type="bullet">
/// <item>reads the vocabulary and the added tokens (token ↔ id, which ids are special);</item>
/// <item>writes the two pipelines <see cref="HfTokenizer"/> loads: <see cref="WithSpecialTokens"/> (the file as
/// it is, truncation and padding off as transformers' <c>encode</c> does) and <see cref="WithoutSpecialTokens"/>
/// (additionally no post-processor, so encoding adds no BOS/EOS, and no added token flagged special, so
/// decoding skips nothing). Added-token matching does not depend on the special flag, so both encode the
/// same text to the same ids apart from the post-processor's tokens.</item>
/// </list>
/// </remarks>
internal sealed class TokenizerJson
{
    private static readonly JsonSerializerOptions CompactRelaxed = new()
    {
        // Keeps the copies close to the original size; any valid JSON escaping reads back the same strings.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private TokenizerJson(
        Dictionary<string, int> tokenToId,
        string?[] idToToken,
        int vocabSize,
        HashSet<int> specialIds,
        string withSpecialTokens,
        string withoutSpecialTokens)
    {
        TokenToId = tokenToId;
        IdToToken = idToToken;
        VocabSize = vocabSize;
        SpecialIds = specialIds;
        WithSpecialTokens = withSpecialTokens;
        WithoutSpecialTokens = withoutSpecialTokens;
    }

    /// <summary>Token string (as stored in the vocabulary, e.g. byte-level <c>Ġthe</c>) to id, added tokens included.</summary>
    public Dictionary<string, int> TokenToId { get; }

    /// <summary>Id to token string; null where no token has that id.</summary>
    public string?[] IdToToken { get; }

    /// <summary>Number of distinct tokens, added tokens included (HF <c>len(tokenizer)</c>).</summary>
    public int VocabSize { get; }

    /// <summary>Ids of added tokens flagged <c>special</c>: what decoding with <c>skip_special_tokens</c> drops.</summary>
    public HashSet<int> SpecialIds { get; }

    /// <summary>The tokenizer.json text for encoding with special tokens and decoding without them.</summary>
    public string WithSpecialTokens { get; }

    /// <summary>The tokenizer.json text for encoding without special tokens and decoding with them.</summary>
    public string WithoutSpecialTokens { get; }

    /// <summary>Reads and checks a tokenizer.json file.</summary>
    /// <exception cref="InvalidDataException">The file is not a tokenizer.json this class understands; the message names it.</exception>
    public static TokenizerJson Load(string path)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path)) as JsonObject
                ?? throw new InvalidDataException($"'{path}' is not a tokenizer.json: the top level is not a JSON object.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"'{path}' is not valid JSON: {ex.Message}", ex);
        }

        try
        {
            return FromRoot(root);
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidDataException($"'{path}' is not a valid tokenizer.json: {ex.Message}", ex);
        }
    }

    private static int Int(JsonNode? node, string what) =>
        node is JsonValue value && value.TryGetValue<int>(out var result)
            ? result
            : throw new InvalidDataException($"{what} is not an integer.");

    private static string Str(JsonNode? node, string what) =>
        node is JsonValue value && value.TryGetValue<string>(out var result)
            ? result
            : throw new InvalidDataException($"{what} is not a string.");

    private static TokenizerJson FromRoot(JsonObject root)
    {
        var model = root["model"] as JsonObject
            ?? throw new InvalidDataException("there is no \"model\" object.");

        var tokenToId = new Dictionary<string, int>(StringComparer.Ordinal);
        switch (model["vocab"])
        {
            case JsonObject vocab: // BPE, WordPiece, WordLevel: {"token": id}
                foreach (var (token, id) in vocab)
                {
                    tokenToId[token] = Int(id, $"model.vocab[\"{token}\"]");
                }

                break;
            case JsonArray pieces: // Unigram: [["piece", score], ...], id = position
                for (var i = 0; i < pieces.Count; i++)
                {
                    var piece = pieces[i] as JsonArray;
                    tokenToId[Str(piece is { Count: > 0 } ? piece[0] : null, $"model.vocab[{i}][0]")] = i;
                }

                break;
            default:
                throw new InvalidDataException("model.vocab is neither an object nor an array.");
        }

        var specialIds = new HashSet<int>();
        if (root["added_tokens"] is JsonArray added)
        {
            for (var i = 0; i < added.Count; i++)
            {
                var token = added[i] as JsonObject ?? throw new InvalidDataException($"added_tokens[{i}] is not an object.");
                var id = Int(token["id"], $"added_tokens[{i}].id");
                tokenToId[Str(token["content"], $"added_tokens[{i}].content")] = id;
                if (token["special"] is JsonValue special && special.TryGetValue<bool>(out var isSpecial) && isSpecial)
                {
                    specialIds.Add(id);
                }
            }
        }

        if (tokenToId.Values.Any(id => id < 0))
        {
            throw new InvalidDataException("a token id is negative.");
        }

        var idToToken = new string?[tokenToId.Count == 0 ? 0 : tokenToId.Values.Max() + 1];
        foreach (var (token, id) in tokenToId)
        {
            idToToken[id] = token;
        }

        root["truncation"] = null;
        root["padding"] = null;
        var withSpecial = root.ToJsonString(CompactRelaxed);

        root["post_processor"] = null;
        if (root["added_tokens"] is JsonArray addedTokens)
        {
            foreach (var node in addedTokens)
            {
                node!["special"] = false;
            }
        }

        var withoutSpecial = root.ToJsonString(CompactRelaxed);
        return new TokenizerJson(tokenToId, idToToken, tokenToId.Count, specialIds, withSpecial, withoutSpecial);
    }
}
