using SparseX.World;
using SparseX.Train.Training;

namespace SparseX.Train.Tests;

public class TokenizerTests(TrainedTokenizer fixture) : IClassFixture<TrainedTokenizer>
{
    [Fact]
    public void ConversationsRoundTripWithoutUnknownTokens()
    {
        int unk = fixture.Tokenizer.TokenToId("<unk>")!.Value;
        foreach (CorpusSplit split in Enum.GetValues<CorpusSplit>())
        {
            var gen = new CorpusGenerator(99, split, t => fixture.Tokenizer.Encode(t).Length);
            for (int i = 0; i < 30; i++)
            {
                string text = gen.Sample(i).Render();
                int[] ids = fixture.Tokenizer.Encode(text);
                Assert.DoesNotContain(unk, ids);
                Assert.Equal(text, fixture.Tokenizer.Decode(ids));
            }
        }
    }

    [Fact]
    public void SpecialTokensAndMessageWiseEncodingMatchTheRenderedText()
    {
        var tok = fixture.Tokenizer;
        Assert.Equal(2, tok.TokenToId(ChatMl.ImEnd));
        Assert.Equal(ChatMl.ImEnd, tok.EosToken);
        Assert.Equal(1, tok.TokenToId(ChatMl.ImStart));
        Assert.Equal(ChatMl.Template, File.ReadAllText(Path.Combine(FixturePaths.FixtureTokenizer, "chat_template.jinja")).TrimEnd('\n'));
        var encoder = new SampleEncoder(tok);
        var gen = new CorpusGenerator(4, CorpusSplit.Train, t => tok.Encode(t).Length);
        for (int i = 0; i < 10; i++)
        {
            Conversation c = gen.Sample(i);
            EncodedSample s = encoder.Encode(c);
            Assert.Equal(tok.Encode(c.Render()), s.Ids);
            Assert.Equal(c.Answer + ChatMl.ImEnd, tok.Decode(s.Ids.AsSpan(s.AnswerStart, s.AnswerEnd - s.AnswerStart)));
            Assert.All(s.Weights[s.AnswerStart..s.AnswerEnd], w => Assert.Equal(1f, w));
        }
    }

    [Theory]
    [InlineData(WorldVersion.V2)]
    [InlineData(WorldVersion.V3)]
    [InlineData(WorldVersion.V4)]
    [InlineData(WorldVersion.V5)]
    [InlineData(WorldVersion.V6)]
    [InlineData(WorldVersion.V7)]
    [InlineData(WorldVersion.V8)]
    [InlineData(WorldVersion.V9)]
    [InlineData(WorldVersion.V10)]
    [InlineData(WorldVersion.V11)]
    [InlineData(WorldVersion.V12)]
    [InlineData(WorldVersion.V13)]
    [InlineData(WorldVersion.V14)]
    [InlineData(WorldVersion.V15)]
    public void HintAnswersWeighLikeAnswersAndTokenizeAsTheWholeText(WorldVersion version)
    {
        var tok = fixture.Tokenizer;
        using var demo = SparseX.Engine.Text.HfTokenizer.FromDirectory(FixturePaths.DemoModel);
        int demoUnk = demo.TokenToId("<unk>")!.Value;
        var encoder = new SampleEncoder(tok, 0.3f);
        var gen = new CorpusGenerator(8, CorpusSplit.Train, t => tok.Encode(t).Length, version: version) { HintShare = 1, HintAskedShare = 1 };
        int hints = 0;
        for (int i = 0; i < 16; i++)
        {
            Conversation c = gen.Sample(i, difficulty: 1, maxQuestions: 3);
            EncodedSample s = encoder.Encode(c);
            Assert.Equal(tok.Encode(c.Render()), s.Ids);
            Assert.DoesNotContain(demoUnk, demo.Encode(c.Render()));
            var spans = c.Messages.SelectMany(m => m.Supervised.Select(r => m.Content[r])).ToList();
            hints += spans.Count;
            int expected = spans.Sum(a => tok.Encode(a).Length) + c.Messages.Where(m => m.IsTarget).Sum(m => tok.Encode(m.Content + ChatMl.ImEnd).Length);
            Assert.Equal(expected, s.Weights.Count(w => w == 1f));
            string supervised = tok.Decode(s.Ids.Where((_, j) => s.Weights[j] == 1f).ToArray());
            Assert.All(spans, a => Assert.Contains(a, supervised, StringComparison.Ordinal));
        }

        Assert.True(hints >= 20, $"{hints} hints");
    }

    [Fact]
    public void ManagedEncoderGivesTheTokenizersIds()
    {
        var fast = SparseX.Train.Text.WordLevelEncoder.Load(fixture.Directory);
        foreach (CorpusSplit split in Enum.GetValues<CorpusSplit>())
        {
            var gen = new CorpusGenerator(42, split, t => fast.Encode(t).Length);
            for (int i = 0; i < 30; i++)
            {
                string text = gen.Sample(i).Render();
                Assert.Equal(fixture.Tokenizer.Encode(text), fast.Encode(text));
            }
        }

        string odd = "<|im_start|>user\n<|not special|> x <|im_end|><|endoftext|>";
        Assert.Equal(fixture.Tokenizer.Encode(odd), fast.Encode(odd));
    }
}
