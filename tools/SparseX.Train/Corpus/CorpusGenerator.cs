namespace SparseX.Train.Corpus;

/// <summary>
/// Generates seeded question-answering conversations over retrieved documents in which information must flow
/// between documents: a document that says "the company above" or "the person above" means the entity the
/// document before it introduces, and aliases introduced in one document are used in another. Each
/// conversation instantiates fresh facts (cities, founders, products) for names drawn from one split of the
/// <see cref="EntityPool"/>, so the answer can only come from reading. Sample <c>i</c> of a (seed, split) is
/// always the same conversation.
/// </summary>
public sealed class CorpusGenerator
{
    /// <summary>The system prompt of conversations whose documents are user messages.</summary>
    public const string DocumentSystemPrompt = "Answer the question using the documents . Reply with a short answer .";

    /// <summary>The system prompt of tool-use conversations.</summary>
    public const string ToolSystemPrompt = "You can call the search tool to find documents . Then reply with a short answer .";

    private static readonly string[] Fillers =
    [
        "Revenue grew by {n} percent in {y} .",
        "Local newspapers covered the story in detail .",
        "The weather in {city} was mild that season .",
        "Several analysts from {city} attended the meeting .",
        "The board met {n} times during {y} .",
        "Sales of older models declined slowly .",
        "A new office opened near the river .",
        "Critics said the plan was too ambitious .",
        "The annual report was published in {y} .",
        "About {n} people work in the main building .",
        "Prices stayed stable for most of the year .",
        "A small team handled customer support .",
        "The project was delayed by {n} weeks .",
        "Trade fairs in {city} drew large crowds .",
        "Most customers paid by card .",
        "The old factory was sold in {y} .",
    ];

    private readonly int _seed;
    private readonly CorpusSplit _split;
    private readonly Func<string, int> _countTokens;

    /// <summary>Initializes a new instance of the <see cref="CorpusGenerator"/> class.</summary>
    /// <param name="seed">The corpus seed.</param>
    /// <param name="split">Which names to draw.</param>
    /// <param name="countTokens">Counts the tokens of a rendered conversation (to keep it under <paramref name="maxTokens"/>).</param>
    /// <param name="maxTokens">The longest conversation in tokens.</param>
    /// <param name="toolShare">The share of tool-use conversations.</param>
    public CorpusGenerator(int seed, CorpusSplit split, Func<string, int> countTokens, int maxTokens = 1024, double toolShare = 0.3)
    {
        ArgumentNullException.ThrowIfNull(countTokens);
        _seed = seed;
        _split = split;
        _countTokens = countTokens;
        MaxTokens = maxTokens;
        ToolShare = toolShare;
    }

    /// <summary>Gets the longest conversation in tokens.</summary>
    public int MaxTokens { get; }

    /// <summary>Gets the share of tool-use conversations.</summary>
    public double ToolShare { get; }

    /// <summary>Generates conversation number <paramref name="index"/>.</summary>
    /// <param name="index">The sample index.</param>
    /// <returns>The conversation.</returns>
    public Conversation Sample(long index)
    {
        var rng = new Random(Mix(_seed, (int)_split, index));
        EntityPool pool = EntityPool.Instance;
        bool heldOut = _split == CorpusSplit.HeldOut;
        var companiesSrc = heldOut ? pool.HeldOutCompanies : pool.Companies;
        var peopleSrc = heldOut ? pool.HeldOutPeople : pool.People;
        var productsSrc = heldOut ? pool.HeldOutProducts : pool.Products;

        int nCompanies = rng.Next(3, 6);
        var companies = new List<string>();
        while (companies.Count < nCompanies)
        {
            string c = companiesSrc[rng.Next(companiesSrc.Count)];
            if (companies.All(o => EntityPool.Alias(o) != EntityPool.Alias(c)))
            {
                companies.Add(c);
            }
        }

        var people = Distinct(peopleSrc, nCompanies + 4, rng, p => p.Split(' ')[0]);
        var cities = Distinct(pool.Cities, nCompanies + 2, rng, c => c);
        var products = Distinct(productsSrc, nCompanies, rng, p => p.Split(' ')[0]);

        QuestionKind kind = rng.NextDouble() switch
        {
            < 0.25 => QuestionKind.Direct,
            < 0.55 => QuestionKind.CompanyAbove,
            < 0.80 => QuestionKind.PersonAbove,
            _ => QuestionKind.Alias,
        };
        int target = rng.Next(nCompanies);
        var units = new List<List<Document>>();
        string question = string.Empty, answer = string.Empty, query = string.Empty;

        for (int i = 0; i < nCompanies; i++)
        {
            string c = companies[i];
            bool hasAlias = (kind == QuestionKind.Alias && i == target) || rng.Next(3) == 0;
            var intro = new Document();
            intro.Key(hasAlias
                ? $"{c} , also known as {EntityPool.Alias(c)} , is a company based in {cities[i]} ."
                : $"{c} is a company based in {cities[i]} .");
            intro.Key($"It was founded in {rng.Next(1950, 2021)} by {people[i]} .");
            var unit = new List<Document> { intro };
            if ((kind == QuestionKind.CompanyAbove && i == target) || rng.Next(2) == 0)
            {
                var launch = new Document();
                launch.Key($"The company above launched the {products[i]} .");
                unit.Add(launch);
            }

            units.Add(unit);
            if (hasAlias && ((kind == QuestionKind.Alias && i == target) || rng.Next(2) == 0))
            {
                var hire = new Document();
                hire.Key($"{EntityPool.Alias(c)} hired {people[nCompanies + 2 + (i % 2)]} as chief engineer .");
                units.Add([hire]);
            }
        }

        int nPersons = kind == QuestionKind.PersonAbove ? 2 : rng.Next(0, 3);
        int personTarget = rng.Next(Math.Max(1, nPersons));
        for (int j = 0; j < nPersons; j++)
        {
            var intro = new Document();
            intro.Key($"{people[nCompanies + j]} is an engineer from {cities[nCompanies + j]} .");
            var joined = new Document();
            joined.Key($"The person above later joined {companies[(target + j) % nCompanies]} as head of design .");
            units.Add([intro, joined]);
        }

        // Alias questions name the hired person: keep that hire unique.
        switch (kind)
        {
            case QuestionKind.Direct when rng.Next(2) == 0:
                (question, answer, query) = ($"Where is {companies[target]} based ?", cities[target], companies[target]);
                break;
            case QuestionKind.Direct:
                (question, answer, query) = ($"Who founded {companies[target]} ?", people[target], companies[target]);
                break;
            case QuestionKind.CompanyAbove:
                (question, answer, query) = ($"Which company launched the {products[target]} ?", companies[target], products[target]);
                break;
            case QuestionKind.PersonAbove:
                string joinedCompany = companies[(target + personTarget) % nCompanies];
                (question, answer, query) = ($"Who joined {joinedCompany} as head of design ?", people[nCompanies + personTarget], joinedCompany);
                break;
            default:
                string hired = people[nCompanies + 2 + (target % 2)];
                units.RemoveAll(u => u.Count == 1 && u[0].Text.Contains($"hired {hired} ", StringComparison.Ordinal)
                    && !u[0].Text.StartsWith(EntityPool.Alias(companies[target]), StringComparison.Ordinal));
                (question, answer, query) = ($"Which company hired {hired} ?", companies[target], hired);
                break;
        }

        rng.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(units));
        var docs = units.SelectMany(u => u).ToList();
        foreach (Document d in docs)
        {
            AddFillers(d, rng.Next(3, 14), rng, cities);
        }

        bool tool = rng.NextDouble() < ToolShare;
        while (true)
        {
            Conversation conv = Build(docs, question, answer, query, kind, tool);
            if (_countTokens(conv.Render()) <= MaxTokens)
            {
                return conv;
            }

            // Trim a filler sentence from the longest document.
            Document longest = docs.OrderByDescending(d => d.Sentences.Count(s => !s.Key)).First();
            int at = longest.Sentences.FindLastIndex(s => !s.Key);
            if (at < 0)
            {
                throw new InvalidOperationException("A conversation's key sentences alone exceed the token limit.");
            }

            longest.Sentences.RemoveAt(at);
        }
    }

    private static Conversation Build(List<Document> docs, string question, string answer, string query, QuestionKind kind, bool tool)
    {
        var messages = new List<ChatMessage>();
        if (tool)
        {
            messages.Add(new("system", ToolSystemPrompt));
            messages.Add(new("user", question));
            messages.Add(new("assistant", $"<tool_call>{{\"name\": \"search\", \"arguments\": {{\"query\": \"{query}\"}}}}</tool_call>"));
            messages.AddRange(docs.Select(d => new ChatMessage("tool", d.Text)));
        }
        else
        {
            messages.Add(new("system", DocumentSystemPrompt));
            messages.AddRange(docs.Select(d => new ChatMessage("user", d.Text)));
            messages.Add(new("user", "Question : " + question));
        }

        messages.Add(new("assistant", answer));
        return new Conversation(messages, kind, answer, docs.Count, tool);
    }

    private static void AddFillers(Document d, int count, Random rng, IReadOnlyList<string> cities)
    {
        for (int k = 0; k < count; k++)
        {
            string s = Fillers[rng.Next(Fillers.Length)]
                .Replace("{n}", rng.Next(2, 100).ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
                .Replace("{y}", rng.Next(1950, 2026).ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
                .Replace("{city}", cities[rng.Next(cities.Count)], StringComparison.Ordinal);
            d.Sentences.Insert(rng.Next(1, d.Sentences.Count + 1), (s, false));
        }
    }

    private static List<string> Distinct(IReadOnlyList<string> source, int n, Random rng, Func<string, string> key)
    {
        var picked = new List<string>();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        while (picked.Count < n)
        {
            string s = source[rng.Next(source.Count)];
            if (keys.Add(key(s)))
            {
                picked.Add(s);
            }
        }

        return picked;
    }

    private static int Mix(int seed, int split, long index)
    {
        ulong z = unchecked(((ulong)(uint)seed * 0x9E3779B97F4A7C15UL) ^ ((ulong)split << 56) ^ (ulong)index);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return (int)(z ^ (z >> 31));
    }
}
