using SparseX.Engine.Text;
using SparseX.Train.Training;

namespace SparseX.Train.Tests;

public class PointerRecallTaskTests
{
    private const int Vocab = 1000;
    private const int Mid = (Vocab + 4) / 2;
    // The pointer's last token lies in the names' half: it must never be drawn as a name.
    private static readonly int[] Pointer = [10, 11, 900];
    private static readonly int[] Boundary = [5, 13];
    private static readonly int[] Suffix = [20, 21, 22, 23, 24, 25];

    [Fact]
    public void EachQueryIsAnsweredWithTheNameItsFactsPointerFollows()
    {
        var rng = new Random(3);
        var gaps = new HashSet<int>();
        int answers = 0, notTheLastName = 0;
        for (int n = 0; n < 100; n++)
        {
            EncodedSample row = PointerRecallTask.Row(rng, Vocab, Pointer, Boundary, Suffix);
            int[] context = row.Ids[..row.AnswerStart];
            Assert.Equal(Boundary, context[..Boundary.Length]);
            Assert.True(IsName(context[Boundary.Length]));

            // The queries: key, the same tail of the suffix in every query of the row, the answer (the only weighted token).
            int g = Enumerable.Range(0, Suffix.Length + 1).First(k => IsName(row.Ids[row.AnswerStart + 1 + k]));
            gaps.Add(g);
            int lastName = context.Last(IsName);
            for (int j = row.AnswerStart; j < row.Ids.Length; j += g + 2)
            {
                int key = row.Ids[j], answer = row.Ids[j + g + 1];
                Assert.Equal(Suffix[(Suffix.Length - g)..], row.Ids[(j + 1)..(j + g + 1)]);
                Assert.Equal(Enumerable.Repeat(0f, g + 1).Append(1f), row.Weights[j..(j + g + 2)]);

                // The key occurs once in the context, followed within four tokens by the pointer; the answer is the last
                // name before it.
                int keyAt = Assert.Single(Enumerable.Range(0, context.Length), i => context[i] == key);
                Assert.Contains(Enumerable.Range(keyAt + 1, 4), i => context.AsSpan(i).StartsWith(Pointer));
                Assert.True(IsName(answer));
                Assert.Equal(context[..keyAt].Last(IsName), answer);
                answers++;
                notTheLastName += answer == lastName ? 0 : 1;
            }

            Assert.Equal(row.Ids.Length, row.AnswerEnd);
            Assert.All(row.Weights[..row.AnswerStart], w => Assert.Equal(0f, w));

            // The pointer and the boundary are not drawn as noise: each occurrence of their first token starts them.
            Assert.All(Enumerable.Range(0, context.Length).Where(i => context[i] == Pointer[0]), i => Assert.True(context.AsSpan(i).StartsWith(Pointer)));
            Assert.All(Enumerable.Range(0, context.Length).Where(i => context[i] == Pointer[^1]), i => Assert.True(context.AsSpan(i - 2).StartsWith(Pointer)));
            Assert.All(Enumerable.Range(0, context.Length).Where(i => context[i] == Boundary[0]), i => Assert.True(context.AsSpan(i).StartsWith(Boundary)));
        }

        Assert.Equal(Enumerable.Range(0, Suffix.Length + 1), gaps.Order());

        // The most recent name answers only some queries: the pointer must be resolved where it stands.
        Assert.InRange(notTheLastName, answers / 3, answers);
    }

    [Fact]
    public void NamesNeverTakeThePointersTokens()
    {
        // A small vocabulary: 38 possible names, one of them the pointer's last token.
        var rng = new Random(2);
        int[] pointer = [10, 11, 60];
        for (int n = 0; n < 100; n++)
        {
            EncodedSample row = PointerRecallTask.Row(rng, 80, pointer, Boundary, Suffix);
            int[] context = row.Ids[..row.AnswerStart];
            Assert.All(Enumerable.Range(0, context.Length).Where(i => context[i] == 60), i => Assert.Equal(pointer, context[(i - 2)..(i + 1)]));
            Assert.DoesNotContain(60, row.Ids[row.AnswerStart..]);
        }

        Assert.Throws<ArgumentException>(() => PointerRecallTask.Row(rng, 40, pointer, Boundary, Suffix));
    }

    [Fact]
    public void CorpusPointersAreTheWordsOfTheV5LinkingSentences()
    {
        using var tok = HfTokenizer.FromDirectory(FixturePaths.DemoModel);
        int[][] pointers = PointerRecallTask.CorpusPointers(t => tok.Encode(t));
        Assert.Equal([" the company above", " the person above"], pointers.Select(p => tok.Decode(p)));
        Assert.All(pointers, p => Assert.Equal(3, p.Length));
        int[] boundary = PointerRecallTask.DocumentBoundary(t => tok.Encode(t));
        Assert.Equal("<|im_end|>\n<|im_start|>user\n", tok.Decode(boundary));
        Assert.Throws<ArgumentException>(() => PointerRecallTask.Row(new Random(1), Vocab, [], Boundary, Suffix));
    }

    private static bool IsName(int id) => id >= Mid && !Pointer.Contains(id);
}
