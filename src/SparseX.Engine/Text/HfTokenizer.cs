using System.Collections.Frozen;
using Tokenizers.DotNet;

namespace SparseX.Engine.Text;

/// <summary>
/// A Hugging Face tokenizer loaded from a checkpoint directory: the Rust <c>tokenizers</c> pipeline of
/// <c>tokenizer.json</c> (through Tokenizers.DotNet) plus the special-token settings of
/// <c>tokenizer_config.json</c> and <c>generation_config.json</c>. Encoding and decoding give the same ids
/// and text as transformers' <c>encode</c>/<c>decode</c>. Safe for concurrent use.
/// </summary>
/// <remarks>
/// Prompts are tokenized span by span (DESIGN §3), so <see cref="Encode"/> defaults to adding no special
/// tokens: template glue writes them as text (<c>&lt;|im_start|&gt;</c>), which maps to their ids.
/// </remarks>
public sealed class HfTokenizer : IDisposable
{
    /// <summary>The tokenizer file name.</summary>
    public const string TokenizerFileName = "tokenizer.json";

    // Tokenizers.DotNet keeps every loaded tokenizer in one process-wide native table and does not document
    // its thread safety, so all native calls of all instances take this one lock. An encode is microseconds.
    private static readonly Lock NativeGate = new();

    // Tokenizers.DotNet hard-codes add_special_tokens = true when encoding and skip_special_tokens = true
    // when decoding, so each direction's other half runs on a second pipeline (see TokenizerJson).
    private readonly Tokenizer _withSpecialTokens;
    private readonly Tokenizer _withoutSpecialTokens;
    private readonly Dictionary<string, int> _tokenToId;
    private readonly string?[] _idToToken;
    private readonly bool _prependBos;
    private bool _disposed;

    private HfTokenizer(TokenizerJson json, TokenizerConfig config, Tokenizer withSpecialTokens, Tokenizer withoutSpecialTokens, string configPath)
    {
        _withSpecialTokens = withSpecialTokens;
        _withoutSpecialTokens = withoutSpecialTokens;
        _tokenToId = json.TokenToId;
        _idToToken = json.IdToToken;
        VocabSize = json.VocabSize;
        SpecialTokenIds = json.SpecialIds.ToFrozenSet();

        BosToken = config.BosToken;
        EosToken = config.EosToken;
        BosTokenId = RequireId(config.BosToken, "bos_token", configPath);
        PadTokenId = RequireId(config.PadToken, "pad_token", configPath);
        UnkTokenId = RequireId(config.UnkToken, "unk_token", configPath);
        var eos = new List<int>();
        if (RequireId(config.EosToken, "eos_token", configPath) is int eosId)
        {
            eos.Add(eosId);
        }

        eos.AddRange(config.GenerationEosTokenIds.Where(id => !eos.Contains(id)));
        EosTokenIds = eos.AsReadOnly();
        _prependBos = config.AddBosToken == true && BosTokenId is not null;
    }

    /// <summary>Gets the number of distinct tokens, added tokens included (transformers' <c>len(tokenizer)</c>).</summary>
    public int VocabSize { get; }

    /// <summary>Gets the beginning-of-sequence token of <c>tokenizer_config.json</c>, if any.</summary>
    public string? BosToken { get; }

    /// <summary>Gets the id of <see cref="BosToken"/>, if any.</summary>
    public int? BosTokenId { get; }

    /// <summary>Gets the end-of-sequence token of <c>tokenizer_config.json</c>, if any.</summary>
    public string? EosToken { get; }

    /// <summary>
    /// Gets the ids that end generation: the id of <see cref="EosToken"/> first, then those of
    /// <c>generation_config.json</c>'s <c>eos_token_id</c> (an id or a list), without repeats. Empty if neither
    /// names one.
    /// </summary>
    public IReadOnlyList<int> EosTokenIds { get; }

    /// <summary>Gets the id of <c>tokenizer_config.json</c>'s <c>pad_token</c>, if any.</summary>
    public int? PadTokenId { get; }

    /// <summary>Gets the id of <c>tokenizer_config.json</c>'s <c>unk_token</c>, if any.</summary>
    public int? UnkTokenId { get; }

    /// <summary>
    /// Gets the ids of the added tokens that <c>tokenizer.json</c> flags special: those that
    /// <see cref="Decode"/> drops when asked to skip special tokens.
    /// </summary>
    public IReadOnlySet<int> SpecialTokenIds { get; }

    /// <summary>Loads the tokenizer of a Hugging Face checkpoint directory.</summary>
    /// <param name="checkpointDir">A directory holding <c>tokenizer.json</c> and, optionally,
    /// <c>tokenizer_config.json</c> and <c>generation_config.json</c>.</param>
    /// <returns>The loaded tokenizer; dispose it to free the native pipelines.</returns>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    /// <exception cref="FileNotFoundException">The directory has no <c>tokenizer.json</c>.</exception>
    /// <exception cref="InvalidDataException">A file is corrupt or names a token the vocabulary lacks; the
    /// message names the file.</exception>
    public static HfTokenizer FromDirectory(string checkpointDir)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(checkpointDir);
        var dir = Path.GetFullPath(checkpointDir);
        if (!Directory.Exists(dir))
        {
            throw new DirectoryNotFoundException($"Checkpoint directory not found: '{dir}'.");
        }

        var path = Path.Combine(dir, TokenizerFileName);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Tokenizer file not found: '{path}'.", path);
        }

        var json = TokenizerJson.Load(path);
        var config = TokenizerConfig.Load(dir);
        var withSpecial = LoadNative(json.WithSpecialTokens, path);
        try
        {
            var withoutSpecial = LoadNative(json.WithoutSpecialTokens, path);
            try
            {
                return new HfTokenizer(json, config, withSpecial, withoutSpecial, Path.Combine(dir, TokenizerConfig.TokenizerConfigFileName));
            }
            catch
            {
                DisposeNative(withoutSpecial);
                throw;
            }
        }
        catch
        {
            DisposeNative(withSpecial);
            throw;
        }
    }

    /// <summary>Encodes text to token ids.</summary>
    /// <param name="text">The text. Special tokens written in it (e.g. <c>&lt;|im_start|&gt;</c>) map to their ids.</param>
    /// <param name="addSpecialTokens">Whether to add the tokens of the tokenizer's post-processor (e.g. a
    /// BOS) and, when <c>tokenizer_config.json</c> sets <c>add_bos_token</c>, a leading BOS if the
    /// post-processor added none. False (the default) tokenizes the text alone, as for a prompt span.</param>
    /// <returns>The token ids.</returns>
    public int[] Encode(string text, bool addSpecialTokens = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        uint[] ids;
        lock (NativeGate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            ids = (addSpecialTokens ? _withSpecialTokens : _withoutSpecialTokens).Encode(text);
        }

        var prepend = addSpecialTokens && _prependBos && (ids.Length == 0 || ids[0] != (uint)BosTokenId!.Value);
        var result = new int[ids.Length + (prepend ? 1 : 0)];
        if (prepend)
        {
            result[0] = BosTokenId!.Value;
        }

        for (var i = 0; i < ids.Length; i++)
        {
            result[i + (prepend ? 1 : 0)] = checked((int)ids[i]);
        }

        return result;
    }

    /// <summary>Decodes token ids to text, as transformers' <c>decode</c> does.</summary>
    /// <param name="ids">The token ids. Ids the tokenizer does not know are dropped, as in transformers.</param>
    /// <param name="skipSpecialTokens">Whether to drop the tokens of <see cref="SpecialTokenIds"/>.</param>
    /// <returns>The text. Bytes that do not form UTF-8 (e.g. a character cut between tokens) read as U+FFFD.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An id is negative.</exception>
    public string Decode(ReadOnlySpan<int> ids, bool skipSpecialTokens = false)
    {
        var native = new uint[ids.Length];
        for (var i = 0; i < ids.Length; i++)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(ids[i], nameof(ids));
            native[i] = (uint)ids[i];
        }

        lock (NativeGate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return (skipSpecialTokens ? _withSpecialTokens : _withoutSpecialTokens).Decode(native);
        }
    }

    /// <summary>Looks up a token string as the vocabulary stores it (e.g. byte-level <c>Ġthe</c>, or <c>&lt;|im_end|&gt;</c>).</summary>
    /// <param name="token">The token string.</param>
    /// <returns>Its id, or null if the vocabulary has no such token.</returns>
    public int? TokenToId(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return _tokenToId.TryGetValue(token, out var id) ? id : null;
    }

    /// <summary>Looks up the token string of an id, as the vocabulary stores it.</summary>
    /// <param name="id">The token id.</param>
    /// <returns>The token string, or null if no token has that id.</returns>
    public string? IdToToken(int id) => (uint)id < (uint)_idToToken.Length ? _idToToken[id] : null;

    /// <summary>Frees the native pipelines. Later <see cref="Encode"/>/<see cref="Decode"/> calls throw.</summary>
    public void Dispose()
    {
        lock (NativeGate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _withSpecialTokens.Dispose();
            _withoutSpecialTokens.Dispose();
        }
    }

    // Tokenizers.DotNet loads only from a file path, so the rewritten pipeline goes through a temporary file,
    // deleted once the native side has read it.
    private static Tokenizer LoadNative(string tokenizerJson, string sourcePath)
    {
        var temp = Path.Combine(Path.GetTempPath(), $"sparsex-tokenizer-{Guid.NewGuid():N}.json");
        try
        {
            File.WriteAllText(temp, tokenizerJson);
            lock (NativeGate)
            {
                return new Tokenizer(temp);
            }
        }
        catch (TokenizerException ex)
        {
            throw new InvalidDataException($"'{sourcePath}' could not be loaded by the tokenizers library: {ex.Message}", ex);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    private static void DisposeNative(Tokenizer tokenizer)
    {
        lock (NativeGate)
        {
            tokenizer.Dispose();
        }
    }

    private int? RequireId(string? token, string name, string configPath)
    {
        if (token is null)
        {
            return null;
        }

        return _tokenToId.TryGetValue(token, out var id)
            ? id
            : throw new InvalidDataException($"'{configPath}': {name} '{token}' is not in the vocabulary.");
    }
}
