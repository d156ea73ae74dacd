using SparseX.Engine.Reuse;

namespace SparseX.Bench;

/// <summary>
/// A RAG-shaped request of about N tokens: a system prompt (N/16), 8 retrieved documents with 4-token
/// glue between them, and a 128-token question; plus the earlier request that cached the same documents in
/// another order with another question. Random token ids (the benchmark measures time, not text).
/// </summary>
internal sealed record RagRequest(int[] SystemPrompt, IReadOnlyList<PromptSpan> Earlier, IReadOnlyList<PromptSpan> Query)
{
    public const int Documents = 8;
    public const int QuestionTokens = 128;
    public const int GlueTokens = 4;

    public static RagRequest Create(int tokens, int vocab, int seed)
    {
        var random = new Random(seed);
        int[] Ids(int count) => Enumerable.Range(0, count).Select(_ => random.Next(4, vocab)).ToArray();
        int[] system = Ids(tokens / 16);
        int docLength = (tokens - system.Length - QuestionTokens - (Documents * GlueTokens)) / Documents;
        int[][] docs = Enumerable.Range(0, Documents).Select(_ => Ids(docLength)).ToArray();

        List<PromptSpan> Build(IEnumerable<int> order, int[] question)
        {
            var spans = new List<PromptSpan> { PromptSpan.Segment(SegmentKind.System, system, "system") };
            foreach (int d in order)
            {
                spans.Add(PromptSpan.Plain(Ids(GlueTokens)));
                spans.Add(PromptSpan.Segment(SegmentKind.Document, docs[d], $"doc{d}"));
            }

            spans.Add(PromptSpan.Plain(question));
            return spans;
        }

        var earlier = Build(Enumerable.Range(0, Documents), Ids(QuestionTokens));
        var query = Build(Enumerable.Range(0, Documents).OrderBy(_ => random.Next()), Ids(QuestionTokens));
        return new RagRequest(system, earlier, query);
    }
}
