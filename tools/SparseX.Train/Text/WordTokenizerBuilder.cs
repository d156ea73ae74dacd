using System.Text.Json.Nodes;
using SparseX.World;

namespace SparseX.Train.Text;

/// <summary>
/// Builds the demo model's tokenizer: a Hugging Face <c>WordLevel</c> model over GPT-2 byte-level pre-tokens
/// (every pre-token of the corpus is one token, decoding is exact), with the ChatML special tokens.
/// </summary>
public static class WordTokenizerBuilder
{
    /// <summary>The special tokens, in id order (0, 1, 2, 3).</summary>
    public static IReadOnlyList<string> SpecialTokens { get; } = [ChatMl.EndOfText, ChatMl.ImStart, ChatMl.ImEnd, "<unk>"];

    /// <summary>Collects the vocabulary: the pre-tokens of sample conversations of both splits plus every pool word and number.</summary>
    /// <param name="samples">Conversations per split and format to scan.</param>
    /// <returns>The tokens (without the special tokens), sorted.</returns>
    public static IReadOnlyList<string> CollectVocabulary(int samples = 3000)
    {
        var words = new HashSet<string>(StringComparer.Ordinal);
        void Add(string text)
        {
            foreach (string t in ByteLevel.PreTokenize(text))
            {
                words.Add(t);
            }
        }

        EntityPool pool = EntityPool.Instance;
        IEnumerable<string> poolWords = pool.FirstNames.Concat(pool.LastNames).Concat(pool.CompanyStems).Concat(pool.Cities)
            .Concat(pool.ProductStems).Concat(EntityPool.CompanySuffixes).Concat(EntityPool.ProductKinds)
            .Concat(pool.CompanyStems.Select(s => EntityPool.Alias(s)))
            .Concat(Enumerable.Range(0, 101).Concat(Enumerable.Range(1900, 131)).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        foreach (string w in poolWords)
        {
            Add(w);
            Add(" " + w);
        }

        foreach (var (split, version) in from sp in Enum.GetValues<CorpusSplit>() from v in Enum.GetValues<WorldVersion>() select (sp, v))
        {
            var gen = new CorpusGenerator(0, split, _ => 0, int.MaxValue, toolShare: 0.5, version: version);
            for (int i = 0; i < samples; i++)
            {
                foreach (ChatMessage m in gen.Sample(i).Messages)
                {
                    Add(m.Role + "\n");
                    Add(m.Content);
                    Add("\n");
                }
            }
        }

        var list = words.ToList();
        list.Sort(StringComparer.Ordinal);
        return list;
    }

    /// <summary>Builds <c>tokenizer.json</c>.</summary>
    /// <param name="vocabulary">The tokens (byte-level strings) after the special tokens.</param>
    /// <returns>The JSON.</returns>
    public static JsonObject Build(IReadOnlyList<string> vocabulary)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        var vocab = new JsonObject();
        var added = new JsonArray();
        for (int i = 0; i < SpecialTokens.Count; i++)
        {
            vocab[SpecialTokens[i]] = i;
            added.Add(new JsonObject
            {
                ["id"] = i,
                ["content"] = SpecialTokens[i],
                ["single_word"] = false,
                ["lstrip"] = false,
                ["rstrip"] = false,
                ["normalized"] = false,
                ["special"] = true,
            });
        }

        int id = SpecialTokens.Count;
        foreach (string t in vocabulary)
        {
            vocab[t] = id++;
        }

        JsonObject ByteLevelNode() => new()
        {
            ["type"] = "ByteLevel",
            ["add_prefix_space"] = false,
            ["trim_offsets"] = true,
            ["use_regex"] = true,
        };

        return new JsonObject
        {
            ["version"] = "1.0",
            ["truncation"] = null,
            ["padding"] = null,
            ["added_tokens"] = added,
            ["normalizer"] = null,
            ["pre_tokenizer"] = ByteLevelNode(),
            ["post_processor"] = null,
            ["decoder"] = ByteLevelNode(),
            ["model"] = new JsonObject { ["type"] = "WordLevel", ["vocab"] = vocab, ["unk_token"] = "<unk>" },
        };
    }

    /// <summary>Builds <c>tokenizer_config.json</c> (EOS <c>&lt;|im_end|&gt;</c>, pad <c>&lt;|endoftext|&gt;</c>, the ChatML template).</summary>
    /// <returns>The JSON.</returns>
    public static JsonObject BuildConfig() => new()
    {
        ["backend"] = "tokenizers",
        ["bos_token"] = null,
        ["eos_token"] = ChatMl.ImEnd,
        ["pad_token"] = ChatMl.EndOfText,
        ["unk_token"] = "<unk>",
        ["model_max_length"] = 1024,
        ["tokenizer_class"] = "TokenizersBackend",
        ["chat_template"] = ChatMl.Template,
    };

    /// <summary>Writes <c>tokenizer.json</c> and <c>tokenizer_config.json</c> into a directory.</summary>
    /// <param name="directory">The directory (created if missing).</param>
    /// <param name="samples">Conversations per split scanned for the vocabulary.</param>
    public static void Write(string directory, int samples = 3000)
    {
        Directory.CreateDirectory(directory);
        var options = new System.Text.Json.JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        File.WriteAllText(Path.Combine(directory, "tokenizer.json"), Build(CollectVocabulary(samples)).ToJsonString(options));
        File.WriteAllText(Path.Combine(directory, "tokenizer_config.json"), BuildConfig().ToJsonString(options));
    }
}
