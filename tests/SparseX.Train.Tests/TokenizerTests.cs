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
