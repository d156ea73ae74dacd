using System.Text;
using System.Text.Json.Nodes;
using SparseX.Engine.Text;

namespace SparseX.Engine.Tests;

/// <summary>One tokenizer for the whole class: loading is cheap, but there is no reason to repeat it.</summary>
public sealed class FixtureTokenizer : IDisposable
{
    public HfTokenizer Tokenizer { get; } = HfTokenizer.FromDirectory(FixturePaths.FixtureTokenizer);

    public void Dispose() => Tokenizer.Dispose();
}

public sealed class TokenizerTests(FixtureTokenizer fixture) : IClassFixture<FixtureTokenizer>, IDisposable
{
    private readonly HfTokenizer _tok = fixture.Tokenizer;
    private readonly List<string> _tempDirs = [];

    private static JsonNode Cases => JsonNode.Parse(File.ReadAllText(FixturePaths.TokenizerCases))!;

    public static TheoryData<string, int[]> ReferenceCases()
    {
        var data = new TheoryData<string, int[]>();
        foreach (var c in Cases["cases"]!.AsArray())
        {
            data.Add(c!["text"]!.GetValue<string>(), Ids(c["ids"]!));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ReferenceCases))]
    public void EncodeMatchesHuggingFace(string text, int[] expected)
    {
        Assert.Equal(expected, _tok.Encode(text));
        // This tokenizer's post-processor adds nothing, so HF's default add_special_tokens=True gives the same ids.
        Assert.Equal(expected, _tok.Encode(text, addSpecialTokens: true));
    }

    [Theory]
    [MemberData(nameof(ReferenceCases))]
    public void DecodeRestoresTheText(string text, int[] ids)
    {
        Assert.Equal(text, _tok.Decode(ids));
    }

    [Fact]
    public void RenderedChatMatchesHuggingFace()
    {
        var chat = Cases["chat"]!;
        var rendered = chat["rendered"]!.GetValue<string>();
        var ids = Ids(chat["ids"]!);

        Assert.Equal(ids, _tok.Encode(rendered));
        Assert.Equal(rendered, _tok.Decode(ids));
        Assert.Equal(rendered.Replace("<|im_start|>", "").Replace("<|im_end|>", ""), _tok.Decode(ids, skipSpecialTokens: true));
    }

    [Fact]
    public void VocabSizeIsTheReferenceVocabSize()
    {
        Assert.Equal(Cases["vocab_size"]!.GetValue<int>(), _tok.VocabSize);
    }

    [Fact]
    public void SpecialTokensWrittenInTextMapToTheirIds()
    {
        // Ids from tokenizer.json's added_tokens, all flagged special.
        string[] special = ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<tool_call>", "</tool_call>", "<tool_response>", "</tool_response>"];
        Assert.Equal(Enumerable.Range(0, 7).ToHashSet(), _tok.SpecialTokenIds.ToHashSet());
        for (var id = 0; id < special.Length; id++)
        {
            Assert.Equal(id, _tok.TokenToId(special[id]));
            Assert.Equal(special[id], _tok.IdToToken(id));
            Assert.Equal([id], _tok.Encode(special[id]));
            Assert.Equal(special[id], _tok.Decode([id]));
            Assert.Equal("", _tok.Decode([id], skipSpecialTokens: true));
        }

        var glued = _tok.Encode("a<tool_call>b</tool_call>");
        Assert.Equal([.. _tok.Encode("a"), 3, .. _tok.Encode("b"), 4], glued);
    }

    [Fact]
    public void TokenLookupsAreInverse()
    {
        for (var id = 0; id < _tok.VocabSize; id++)
        {
            var token = _tok.IdToToken(id);
            Assert.NotNull(token);
            Assert.Equal(id, _tok.TokenToId(token));
        }

        Assert.Null(_tok.IdToToken(-1));
        Assert.Null(_tok.IdToToken(_tok.VocabSize));
        Assert.Null(_tok.TokenToId("no such token"));
        // Byte-level BPE stores a space as 'Ġ'.
        Assert.Equal(" ", _tok.Decode([_tok.TokenToId("Ġ")!.Value]));
    }

    [Fact]
    public void SpecialTokensComeFromTokenizerConfig()
    {
        // tokenizer_config.json: bos_token null, eos_token "<|im_end|>", pad_token "<|endoftext|>"; no generation_config.json.
        Assert.Null(_tok.BosToken);
        Assert.Null(_tok.BosTokenId);
        Assert.Equal("<|im_end|>", _tok.EosToken);
        Assert.Equal([2], _tok.EosTokenIds);
        Assert.Equal(0, _tok.PadTokenId);
        Assert.Null(_tok.UnkTokenId);
    }

    [Fact]
    public void ObjectFormTokensAddBosAndGenerationEosAreRead()
    {
        var dir = CopyOfFixture();
        File.WriteAllText(Path.Combine(dir, "tokenizer_config.json"), """
            {"bos_token": {"content": "<|endoftext|>", "special": true}, "eos_token": {"content": "<|im_end|>"},
             "add_bos_token": true, "unk_token": "<tool_call>"}
            """);
        File.WriteAllText(Path.Combine(dir, "generation_config.json"), """{"eos_token_id": [2, 4]}""");
        using var tok = HfTokenizer.FromDirectory(dir);

        Assert.Equal("<|endoftext|>", tok.BosToken);
        Assert.Equal(0, tok.BosTokenId);
        Assert.Equal([2, 4], tok.EosTokenIds);
        Assert.Equal(3, tok.UnkTokenId);
        Assert.Null(tok.PadTokenId);
        var hi = _tok.Encode("hi");
        Assert.Equal(hi, tok.Encode("hi"));
        Assert.Equal([0, .. hi], tok.Encode("hi", addSpecialTokens: true));
        Assert.Equal([0, .. hi], tok.Encode("<|endoftext|>hi", addSpecialTokens: true)); // no second BOS
    }

    [Fact]
    public void PostProcessorTokensAreAddedOnlyWhenAsked()
    {
        var dir = CopyOfFixture();
        var path = Path.Combine(dir, "tokenizer.json");
        var json = JsonNode.Parse(File.ReadAllText(path))!;
        json["post_processor"] = JsonNode.Parse("""
            {"type": "TemplateProcessing",
             "single": [{"SpecialToken": {"id": "<|endoftext|>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                        {"SpecialToken": {"id": "<|im_end|>", "type_id": 0}}],
             "pair": [{"Sequence": {"id": "A", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}}],
             "special_tokens": {"<|endoftext|>": {"id": "<|endoftext|>", "ids": [0], "tokens": ["<|endoftext|>"]},
                                "<|im_end|>": {"id": "<|im_end|>", "ids": [2], "tokens": ["<|im_end|>"]}}}
            """);
        File.WriteAllText(path, json.ToJsonString());
        using var tok = HfTokenizer.FromDirectory(dir);

        var hi = _tok.Encode("hi");
        Assert.Equal(hi, tok.Encode("hi"));
        Assert.Equal([0, .. hi, 2], tok.Encode("hi", addSpecialTokens: true));
    }

    [Fact]
    public void MissingTokenizerJsonNamesThePath()
    {
        var dir = NewTempDir();
        var ex = Assert.Throws<FileNotFoundException>(() => HfTokenizer.FromDirectory(dir));
        Assert.Contains(Path.Combine(dir, "tokenizer.json"), ex.Message);
    }

    [Fact]
    public void MissingDirectoryNamesThePath()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"sparsex-no-such-dir-{Guid.NewGuid():N}");
        var ex = Assert.Throws<DirectoryNotFoundException>(() => HfTokenizer.FromDirectory(dir));
        Assert.Contains(dir, ex.Message);
    }

    [Theory]
    [InlineData("tokenizer.json", "{\"model\": ")]
    [InlineData("tokenizer.json", "{\"model\": {\"type\": \"BPE\"}}")]
    [InlineData("tokenizer.json", "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}, \"merges\": []}, \"added_tokens\": 5, \"normalizer\": 7}")]
    [InlineData("tokenizer_config.json", "{\"eos_token\": ")]
    [InlineData("tokenizer_config.json", "{\"eos_token\": 7}")]
    [InlineData("tokenizer_config.json", "{\"eos_token\": \"<|not a token|>\"}")]
    [InlineData("generation_config.json", "{\"eos_token_id\": \"x\"}")]
    public void CorruptFileNamesThePath(string file, string content)
    {
        var dir = CopyOfFixture();
        var path = Path.Combine(dir, file);
        File.WriteAllText(path, content);
        var ex = Assert.Throws<InvalidDataException>(() => HfTokenizer.FromDirectory(dir));
        Assert.Contains(path, ex.Message);
    }

    [Fact]
    public void StreamingNeverEmitsPartOfACharacterSplitOverTokens()
    {
        const string text = "日本語 🚀 naïve café ✓ 😀👍🏽 — done";
        var ids = _tok.Encode(text);
        // The test needs characters whose bytes are spread over several tokens.
        Assert.True(_tok.Encode("🚀").Length > 1);
        Assert.Contains(ids, id => _tok.Decode([id]).Contains('\uFFFD'));

        var streamer = new StreamingDetokenizer(_tok);
        var deltas = ids.Select(streamer.Push).Append(streamer.Flush()).ToList();

        Assert.All(deltas, d => Assert.DoesNotContain('\uFFFD', d));
        Assert.Contains("", deltas[..^1]); // some token was held back
        Assert.Equal(text, string.Concat(deltas));
        Assert.Equal(_tok.Decode(ids), string.Concat(deltas));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void StreamedChatEqualsDecode(bool skipSpecialTokens)
    {
        var ids = Ids(Cases["chat"]!["ids"]!);
        var streamer = new StreamingDetokenizer(_tok, skipSpecialTokens);
        var text = new StringBuilder();
        foreach (var id in ids)
        {
            text.Append(streamer.Push(id));
        }

        text.Append(streamer.Flush());
        Assert.Equal(_tok.Decode(ids, skipSpecialTokens), text.ToString());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void StreamedRandomIdsEqualDecode(bool skipSpecialTokens)
    {
        // Random ids make invalid and cut UTF-8 everywhere, and special tokens in between.
        var random = new Random(20240607);
        var ids = Enumerable.Range(0, 3000).Select(_ => random.Next(_tok.VocabSize)).ToArray();
        var streamer = new StreamingDetokenizer(_tok, skipSpecialTokens);
        var text = new StringBuilder();
        foreach (var id in ids)
        {
            text.Append(streamer.Push(id));
        }

        text.Append(streamer.Flush());
        Assert.Equal(_tok.Decode(ids, skipSpecialTokens), text.ToString());
    }

    [Fact]
    public void ConcurrentEncodeAndDecodeAgree()
    {
        var chat = Cases["chat"]!;
        var rendered = chat["rendered"]!.GetValue<string>();
        var ids = Ids(chat["ids"]!);
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 4 }, _ =>
        {
            for (var i = 0; i < 100; i++)
            {
                Assert.Equal(ids, _tok.Encode(rendered));
                Assert.Equal(rendered, _tok.Decode(ids));
            }
        });
    }

    [Fact]
    public void DisposedTokenizerRefusesWork()
    {
        var tok = HfTokenizer.FromDirectory(FixturePaths.FixtureTokenizer);
        tok.Dispose();
        tok.Dispose();
        Assert.Throws<ObjectDisposedException>(() => tok.Encode("hi"));
        Assert.Throws<ObjectDisposedException>(() => tok.Decode([1]));
    }

    public void Dispose()
    {
        foreach (var dir in _tempDirs)
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static int[] Ids(JsonNode node) => node.AsArray().Select(id => id!.GetValue<int>()).ToArray();

    private string NewTempDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"sparsex-tokenizer-test-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        _tempDirs.Add(dir);
        return dir;
    }

    private string CopyOfFixture()
    {
        var dir = NewTempDir();
        foreach (var file in new[] { "tokenizer.json", "tokenizer_config.json" })
        {
            File.Copy(Path.Combine(FixturePaths.FixtureTokenizer, file), Path.Combine(dir, file));
        }

        return dir;
    }
}
