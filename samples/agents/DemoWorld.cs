using SparseX.World;

namespace SparseX.Samples.Agents;

/// <summary>
/// The sample's world: a few conversations of the synthetic world the demo model is trained on
/// (<see cref="CorpusGenerator"/>, held-out names, a fixed seed), whose documents fill the <see cref="DocumentStore"/>
/// and whose questions, with their ground-truth answers, are the turns. Turns go round the conversations, first
/// question of each, then the second, …, so every conversation's documents come back in later turns.
/// </summary>
internal sealed class DemoWorld
{
    /// <summary>The corpus seed of the sample's world.</summary>
    public const int Seed = 2026;

    private DemoWorld(IReadOnlyList<Conversation> conversations)
    {
        Conversations = conversations;
        int rounds = conversations.Max(c => c.Questions.Count);
        Questions = Enumerable.Range(0, rounds)
            .SelectMany(r => conversations.Select((c, i) => (c, i)).Where(x => r < x.c.Questions.Count).Select(x => new WorldQuestion(x.i, x.c.Questions[r])))
            .ToList();
    }

    /// <summary>Gets the conversations whose documents the store holds.</summary>
    public IReadOnlyList<Conversation> Conversations { get; }

    /// <summary>Gets the questions in the order the turns ask them.</summary>
    public IReadOnlyList<WorldQuestion> Questions { get; }

    /// <summary>
    /// Generates the world: the first <paramref name="conversations"/> held-out conversations that ask at least two
    /// questions and whose search queries name no entity of another picked conversation.
    /// </summary>
    /// <param name="countTokens">Counts a rendered conversation's tokens (the model's tokenizer).</param>
    /// <param name="conversations">How many conversations.</param>
    /// <param name="maxTokens">The longest conversation in tokens (it must fit the model's context).</param>
    /// <param name="version">The question forms the model was trained on.</param>
    public static DemoWorld Create(Func<string, int> countTokens, int conversations = 3, int maxTokens = 960, WorldVersion version = WorldVersion.V1)
    {
        var generator = new CorpusGenerator(Seed, CorpusSplit.HeldOut, countTokens, maxTokens, version: version);
        List<Conversation> picked = [];
        for (long i = 0; picked.Count < conversations; i++)
        {
            Conversation c = generator.Sample(i, maxQuestions: 3);
            if (c.Questions.Count >= 2 && picked.All(p => !Mentions(p, c) && !Mentions(c, p)))
            {
                picked.Add(c);
            }
        }

        return new DemoWorld(picked);
    }

    // Whether a search for one of b's questions could find a's documents (so every query has one answer).
    private static bool Mentions(Conversation a, Conversation b) =>
        b.Questions.Any(q => a.Documents.Any(d => d.Contains(q.Query, StringComparison.OrdinalIgnoreCase)));
}
