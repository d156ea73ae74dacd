namespace SparseX.World;

/// <summary>
/// Generates seeded question-answering conversations over retrieved documents in which information must flow
/// between documents: a document that says "the company above" or "the person above" means the entity the
/// document before it introduces, and aliases introduced in one document are used in another. Each
/// conversation instantiates fresh facts (cities, founders, products) for names drawn from one split of the
/// <see cref="EntityPool"/>, so the answer can only come from reading. Company introductions may end with
/// sentences that restate their own facts ("The X office in C is busy .") so that next-token prediction inside a
/// document already exercises looking facts up. Sample <c>i</c> of a (seed, split) is always the same conversation.
/// </summary>
public sealed class CorpusGenerator
{
    /// <summary>The system prompt of conversations whose documents are user messages.</summary>
    public const string DocumentSystemPrompt = "Answer the question using the documents . Reply with a short answer .";

    /// <summary>What a user message asking a question starts with in conversations whose documents are user messages.</summary>
    public const string QuestionPrefix = "Question : ";

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

    private static readonly string[] OpeningFillers = [.. Fillers.Where(f => f.StartsWith("The ", StringComparison.Ordinal))];

    private readonly int _seed;
    private readonly CorpusSplit _split;
    private readonly Func<string, int> _countTokens;

    /// <summary>Initializes a new instance of the <see cref="CorpusGenerator"/> class.</summary>
    /// <param name="seed">The corpus seed.</param>
    /// <param name="split">Which names to draw.</param>
    /// <param name="countTokens">Counts the tokens of a rendered conversation (to keep it under <paramref name="maxTokens"/>).</param>
    /// <param name="maxTokens">The longest conversation in tokens.</param>
    /// <param name="toolShare">The share of tool-use conversations.</param>
    /// <param name="version">The question forms (<see cref="WorldVersion"/>).</param>
    public CorpusGenerator(int seed, CorpusSplit split, Func<string, int> countTokens, int maxTokens = 1024, double toolShare = 0.3, WorldVersion version = WorldVersion.V1)
    {
        ArgumentNullException.ThrowIfNull(countTokens);
        _seed = seed;
        _split = split;
        _countTokens = countTokens;
        MaxTokens = maxTokens;
        ToolShare = toolShare;
        Version = version;
    }

    /// <summary>Gets the question forms.</summary>
    public WorldVersion Version { get; }

    /// <summary>Gets the longest conversation in tokens.</summary>
    public int MaxTokens { get; }

    /// <summary>Gets the share of tool-use conversations.</summary>
    public double ToolShare { get; }

    /// <summary>Gets the probability that a fact the conversation does not ask about is restated at the end of its
    /// document as a hint sentence whose answer training weighs like an assistant turn (<see cref="ChatMessage.Supervised"/>):
    /// "The X was launched by C .", "The X project was handled by P .", "P was hired by C .", "The company based in CITY is C
    /// .", "The company founded by P is C .". Predicting the answer there takes one step of what a question takes two for
    /// (resolving "the company above", an alias, or a document's subject, without first finding the document), so the hint
    /// teaches that step on its own. A hinted fact is never the one asked (unless <see cref="HintAskedShare"/>), so the hint
    /// gives no answer away; for the same reason hints are for training only: at evaluation they would mark which facts are
    /// not asked. World V2 and later (V1's question forms are others). 0 leaves every sample as it was.</summary>
    public double HintShare { get; init => field = CheckedHintShare(value, nameof(HintShare)); }

    /// <summary>Gets the probability that a fact the conversation does ask about is restated as a hint sentence too (at the
    /// end of its document, before the question). With <see cref="HintShare"/> alone a hint marks a fact that is <i>not</i>
    /// asked, and models trained so learn to answer by elimination: a probe of the committed model answers the other
    /// engineer in 25 of 25 PersonAbove prompts once the asked fact is restated in its document, and the right one in 25 of
    /// 25 once the other engineer's fact is (tools/SparseX.Train/README.md). Equal to <see cref="HintShare"/>, whether a
    /// fact is hinted says nothing about whether it is asked, so only the question's key tells the hints apart. 0 (the
    /// default) leaves every sample as it was.</summary>
    public double HintAskedShare { get; init => field = CheckedHintShare(value, nameof(HintAskedShare)); }

    /// <summary>Gets the probability that a conversation puts all its documents into one message (user, or tool result),
    /// each ended by a newline (<see cref="MergeDocuments"/>), instead of one message each. Between separate messages the chat template's glue
    /// (<c>&lt;|im_end|&gt;</c>, role markers) is computed afresh in every reuse mode, and a model trained on separate
    /// messages alone resolves "the company above" there as much as in the linking document (naive reuse answers the
    /// right company in 14 of 16 held-out prompts whose linking document's KV was computed after another company's
    /// introduction, docs/quality.md); merged documents have no fresh token between them, so the link cannot be resolved in
    /// glue between documents. For training; 0 (the default) leaves every sample as it was.</summary>
    public double MergedShare
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 0, nameof(MergedShare));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 1, nameof(MergedShare));
            field = value;
        }
    }

    /// <summary>Generates conversation number <paramref name="index"/>.</summary>
    /// <param name="index">The sample index.</param>
    /// <param name="difficulty">From 0 (two or three companies, almost no filler sentences) to 1 (three to five
    /// companies, up to 13 fillers per document: the evaluation setting); training ramps it up as a curriculum.</param>
    /// <param name="maxQuestions">The most questions asked after the documents (the count is drawn from 1 to this);
    /// evaluation conversations ask one, training ones several, so more of each sequence is supervised reading.</param>
    /// <returns>The conversation; the same for the same (seed, split, index, difficulty, maxQuestions).</returns>
    public Conversation Sample(long index, double difficulty = 1.0, int maxQuestions = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxQuestions, 1);
        difficulty = Math.Clamp(difficulty, 0, 1);
        var rng = new Random(Mix(_seed, (int)_split, index));
        EntityPool pool = EntityPool.Instance;
        bool heldOut = _split == CorpusSplit.HeldOut;
        var companiesSrc = heldOut ? pool.HeldOutCompanies : pool.Companies;
        var peopleSrc = heldOut ? pool.HeldOutPeople : pool.People;
        var productsSrc = heldOut ? pool.HeldOutProducts : pool.Products;
        bool v2 = Version >= WorldVersion.V2;
        bool v3 = Version == WorldVersion.V3;
        bool v4 = Version >= WorldVersion.V4;
        bool keyFirst = Version >= WorldVersion.V5, v10 = Version >= WorldVersion.V10;
        bool keyLast = Version is >= WorldVersion.V6 and <= WorldVersion.V9, v8 = Version is WorldVersion.V8 or WorldVersion.V9, v9 = Version == WorldVersion.V9;
        bool v12 = Version >= WorldVersion.V12, v13 = Version == WorldVersion.V13, v14 = Version == WorldVersion.V14, v15 = Version == WorldVersion.V15;

        // Engineers a conversation may have: two up to V6; V7 asks the person link among up to four.
        int maxPersons = Version >= WorldVersion.V7 ? 4 : 2;

        // V15 always has the most companies the draw gives at this difficulty (five at full difficulty).
        int mostCompanies = 3 + (int)Math.Round(2 * difficulty);
        int nCompanies = v15 ? mostCompanies : rng.Next(difficulty < 0.3 ? 2 : 3, mostCompanies + 1);
        var companies = Distinct(companiesSrc, nCompanies, rng, EntityPool.Alias);

        // People: founders [0, n), engineers [n, n + maxPersons), hired chief engineers after them, then (V9) the people the
        // linking documents are about: one per company, one per engineer; first names distinct.
        var people = Distinct(peopleSrc, (2 * nCompanies) + maxPersons + (v9 ? nCompanies + maxPersons : 0), rng, p => p.Split(' ')[0]);
        var cities = Distinct(pool.Cities, nCompanies + maxPersons, rng, c => c);
        // V14 adds up to MaxChain chained products per company after the engineers' projects.
        var products = Distinct(productsSrc, nCompanies + (v2 ? maxPersons : 0) + (v14 ? MaxChain * nCompanies : 0), rng, p => p.Split(' ')[0]);
        string Founder(int i) => people[i];
        string Engineer(int j) => people[nCompanies + j];
        string Hired(int i) => people[nCompanies + maxPersons + i];
        string Project(int j) => products[nCompanies + j];
        string CompanyHire(int i) => people[(2 * nCompanies) + maxPersons + i];
        string EngineerHire(int j) => people[(3 * nCompanies) + maxPersons + j];
        string Chained(int i, int k) => products[nCompanies + maxPersons + (MaxChain * i) + k];

        // V1/V2 aliases are a company's first three letters (a spelling shortcut a model can learn without reading
        // "also known as"); V3 gives each company the alias of another stem, so only the introduction links them.
        string[] aliases = v3 ? DrawAliases(companies, rng) : companies.Select(EntityPool.Alias).ToArray();

        QuestionKind kind = DrawKind(rng, Version);
        int target = rng.Next(nCompanies);

        // V8 names a product by its stem alone (the question's last word is then its key, as in every other question) and
        // never has exactly one launching document, which a question could otherwise find without reading its key.
        string Named(string product) => v8 ? product.Split(' ')[0] : product;
        bool companyLinked = kind is QuestionKind.CompanyAbove or QuestionKind.CompanyAboveFounder or QuestionKind.CompanyChain;
        bool[]? launches = v8 ? DrawLaunches(nCompanies, companyLinked ? target : -1, rng) : null;
        var units = new List<List<Document>>();
        var asked = new List<QuestionAnswer>();
        var hints = new List<(Document Doc, QuestionAnswer Fact, string Sentence)>();

        // V14's chained launches, each placed after the document it names once the units are shuffled.
        var followers = new List<(Document After, Document Doc)>();
        void Ask(Document doc, QuestionAnswer fact, string? hint)
        {
            asked.Add(fact);
            if (hint is not null)
            {
                hints.Add((doc, fact, hint));
            }
        }

        for (int i = 0; i < nCompanies; i++)
        {
            string c = companies[i];
            bool hasAlias = (kind == QuestionKind.Alias && i == target) || rng.Next(3) == 0;
            var intro = new Document();
            intro.Key(hasAlias && !v13
                ? $"{c} , also known as {aliases[i]} , is a company based in {cities[i]} ."
                : $"{c} is a company based in {cities[i]} .");
            intro.Key($"It was founded in {rng.Next(1950, 2021)} by {Founder(i)} .");
            if (rng.Next(2) == 0)
            {
                intro.Echoes.Add($"The {c} office in {cities[i]} is busy .");
            }

            if (rng.Next(2) == 0)
            {
                intro.Echoes.Add($"{c} still honours its founder {Founder(i)} .");
            }

            string basedIn = $"The company based in {cities[i]} is {c} .", foundedBy = $"The company founded by {Founder(i)} is {c} .";
            if (v4)
            {
                intro.Summaries.AddRange([basedIn, foundedBy]);
            }

            Ask(intro, v2 ? new(QuestionKind.Direct, $"Which company is based in {cities[i]} ?", c, cities[i]) : new(QuestionKind.Direct, $"Where is {c} based ?", cities[i], c), v4 ? null : basedIn);
            Ask(intro, v2 ? new(QuestionKind.Direct, $"Which company was founded by {Founder(i)} ?", c, Founder(i)) : new(QuestionKind.Direct, $"Who founded {c} ?", Founder(i), c), v4 ? null : foundedBy);
            var unit = new List<Document> { intro };
            if (launches?[i] ?? ((companyLinked && i == target) || (v13 && hasAlias) || rng.Next(2) == 0))
            {
                var launch = new Document();
                if (v9)
                {
                    launch.Key($"{CompanyHire(i)} was hired by the company above .");
                    Ask(launch, new(QuestionKind.CompanyAbove, $"Which company hired {CompanyHire(i)} ?", c, CompanyHire(i)), $"{CompanyHire(i)} was hired by {c} .");
                }
                else
                {
                    string product = Named(products[i]);
                    // V13 gives the alias here, where only the company above resolves it.
                    launch.Key(v13 && hasAlias ? $"The {product} was launched by the company above , also known as {aliases[i]} ."
                        : keyFirst ? $"The {product} was launched by the company above ." : $"The company above launched the {product} .");
                    Ask(launch, new(QuestionKind.CompanyAbove, $"Which company launched the {product} ?", c, product), $"The {product} was launched by {c} .");
                    if (v12)
                    {
                        Ask(launch, new(QuestionKind.CompanyAboveFounder, $"Who founded the company that launched the {product} ?", Founder(i), product), $"The company that launched the {product} was founded by {Founder(i)} .");
                    }

                    // V14: the company's next products are named only through the one before.
                    int chain = !v14 ? 0 : (kind == QuestionKind.CompanyChain && i == target) || rng.Next(3) == 0 ? rng.Next(1, MaxChain + 1) : 0;
                    Document before = launch;
                    for (int k = 0; k < chain; k++)
                    {
                        string next = Named(Chained(i, k));
                        var chained = new Document();
                        chained.Key($"The {next} was launched by the company that launched the {product} .");
                        Ask(chained, new(QuestionKind.CompanyChain, $"Which company launched the {next} ?", c, next), $"The {next} was launched by {c} .");
                        followers.Add((before, chained));
                        (before, product) = (chained, next);
                    }
                }

                unit.Add(launch);
            }

            units.Add(unit);
            if (hasAlias && ((kind == QuestionKind.Alias && i == target) || rng.Next(2) == 0))
            {
                var hire = new Document();
                hire.Key(keyFirst ? $"{Hired(i)} was hired by {aliases[i]} as chief engineer ." : $"{aliases[i]} hired {Hired(i)} as chief engineer .");
                units.Add([hire]);
                Ask(hire, new(QuestionKind.Alias, $"Which company hired {Hired(i)} ?", c, Hired(i)), $"{Hired(i)} was hired by {c} .");
            }
        }

        // Up to V6 the two engineers take no draw, so those worlds' conversations stay exactly as they were; V8 never has
        // exactly one engineer (whose question needs no key).
        // V10 has no one engineer either, and links only some of them (below).
        // V15 asks the person link among the most engineers (four).
        int nPersons = kind == QuestionKind.PersonAbove ? (v15 ? maxPersons : maxPersons > 2 ? rng.Next(2, maxPersons + 1) : 2)
            : v8 || v10 ? (rng.Next(2) == 0 ? 0 : rng.Next(2, v10 ? maxPersons + 1 : 4)) : rng.Next(0, 3);
        int personTarget = rng.Next(Math.Max(1, nPersons));
        for (int j = 0; j < nPersons; j++)
        {
            string joinedCompany = companies[(target + j) % nCompanies];
            var intro = new Document();
            intro.Key($"{Engineer(j)} is an engineer from {cities[nCompanies + j]} .");
            if (v4)
            {
                intro.Summaries.Add($"The engineer from {cities[nCompanies + j]} is {Engineer(j)} .");
            }

            // V6 drops V5's "project" after the key, so the question ends with its key as the other questions do (V1 has no projects).
            string project = !v2 ? string.Empty : keyLast ? Named(Project(j)) : $"{Project(j)} project";
            var joined = new Document();
            joined.Key(v9 ? $"{EngineerHire(j)} was hired by the person above ." : keyFirst
                ? $"The {project} was handled by the person above ."
                : v2 ? $"The person above later handled the {project} ." : $"The person above later joined {joinedCompany} as head of design .");
            // V10: an engineer is linked half the time (the asked one always), so "the only engineer" is never the answer
            // and "the engineer before the only linking document" is: the person link's counterpart of a company introduced
            // without a launch, from which the company link is learned (tools/SparseX.Train/README.md, ninth session).
            if (v10 && !(kind == QuestionKind.PersonAbove && j == personTarget) && rng.Next(2) == 0)
            {
                units.Add([intro]);
                continue;
            }

            units.Add([intro, joined]);
            Ask(joined, v9
                ? new(QuestionKind.PersonAbove, $"Who hired {EngineerHire(j)} ?", Engineer(j), EngineerHire(j))
                : v2
                ? new(QuestionKind.PersonAbove, $"Who handled the {project} ?", Engineer(j), Named(Project(j)))
                : new(QuestionKind.PersonAbove, $"Who joined {joinedCompany} as head of design ?", Engineer(j), joinedCompany),
                v9 ? $"{EngineerHire(j)} was hired by {Engineer(j)} ." : v2 ? $"The {project} was handled by {Engineer(j)} ." : null);
        }

        // The primary question: (kind, the answer or, for V2's Direct forms that both answer the company, the key).
        string primaryAnswer = kind switch
        {
            QuestionKind.Direct => rng.Next(2) == 0 ? cities[target] : Founder(target),
            QuestionKind.CompanyAbove or QuestionKind.Alias or QuestionKind.CompanyChain => companies[target],
            QuestionKind.CompanyAboveFounder => Founder(target),
            _ => Engineer(personTarget),
        };
        // A chained question asks the last product of its chain.
        bool IsPrimary(QuestionAnswer q) => q.Kind == kind && (v2 && kind == QuestionKind.Direct ? q.Query == primaryAnswer : q.Answer == primaryAnswer);
        var questions = new List<QuestionAnswer> { kind == QuestionKind.CompanyChain ? asked.Last(IsPrimary) : asked.First(IsPrimary) };
        asked.Remove(questions[0]);
        int wanted = rng.Next(1, maxQuestions + 1);
        for (int attempt = 0; questions.Count < wanted && asked.Count > 0 && attempt < 8 * maxQuestions; attempt++)
        {
            QuestionKind k = DrawKind(rng, Version);
            var ofKind = asked.Where(q => q.Kind == k).ToList();
            if (ofKind.Count > 0)
            {
                QuestionAnswer q = ofKind[rng.Next(ofKind.Count)];
                questions.Add(q);
                asked.Remove(q);
            }
        }

        if (HintShare > 0 || HintAskedShare > 0)
        {
            // A generator of its own, so that samples without hints stay exactly as they were; an asked fact draws only when
            // it may be hinted, so samples with HintShare alone stay as they were too.
            var hintRng = new Random(Mix(_seed ^ 0x4817, (int)_split, index));
            foreach (var (doc, fact, sentence) in hints)
            {
                bool isAsked = questions.Contains(fact);
                double share = isAsked ? HintAskedShare : HintShare;
                if (share > 0 && hintRng.NextDouble() < share)
                {
                    doc.Hints.Add((sentence, fact.Answer));
                }
            }
        }

        rng.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(units));
        // A chained launch is a unit of its own somewhere after the unit holding the launch it names (never inside a unit,
        // whose second document refers to the first).
        foreach (var (after, doc) in followers)
        {
            units.Insert(rng.Next(units.FindIndex(u => u.Contains(after)) + 1, units.Count + 1), [doc]);
        }

        var docs = units.SelectMany(u => u).ToList();
        int minFillers = (int)Math.Round(3 * difficulty), maxFillers = 2 + (int)Math.Round(12 * difficulty);
        foreach (Document d in docs)
        {
            AddFillers(d, rng.Next(minFillers, maxFillers), rng, v2 ? [cities[nCompanies], cities[nCompanies + 1]] : cities, firstAt: v3 || Version >= WorldVersion.V11 ? 0 : 1);
            d.Sentences.AddRange(d.Echoes.Select(e => (e, false)));
            d.Sentences.AddRange(d.Summaries.Select(e => (e, true)));
            d.Sentences.AddRange(d.Hints.Select(h => (h.Sentence, false)));
        }

        bool tool = rng.NextDouble() < ToolShare;
        // A generator of its own, so that samples stay exactly as they were without merging.
        bool merged = MergedShare > 0 && new Random(Mix(_seed ^ 0x3C6E, (int)_split, index)).NextDouble() < MergedShare;
        while (true)
        {
            Conversation conv = Build(docs, questions, tool, merged);
            if (_countTokens(conv.Render()) <= MaxTokens)
            {
                return conv;
            }

            // Trim a filler sentence from the longest document; without fillers, ask fewer questions.
            Document longest = docs.OrderByDescending(d => d.Sentences.Count(s => !s.Key)).First();
            int at = longest.Sentences.FindLastIndex(s => !s.Key);
            if (at >= 0)
            {
                longest.Sentences.RemoveAt(at);
            }
            else if (questions.Count > 1)
            {
                questions.RemoveAt(questions.Count - 1);
            }
            else
            {
                throw new InvalidOperationException($"A conversation's key sentences alone exceed the token limit of {MaxTokens}.");
            }
        }
    }

    /// <summary>A hint probability, checked: in [0, 1], and 0 before world V2 (whose question forms hints restate).</summary>
    private double CheckedHintShare(double value, string name)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(value, 0, name);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 1, name);
        if (value > 0 && Version < WorldVersion.V2)
        {
            throw new ArgumentException("Hint sentences need world V2 or later.", name);
        }

        return value;
    }

    /// <summary>Which companies get a launching document from V8 on: the asked company (<paramref name="target"/>, or none when
    /// -1) and each other with probability ½, and never exactly one.</summary>
    private static bool[] DrawLaunches(int companies, int target, Random rng)
    {
        var launches = new bool[companies];
        for (int i = 0; i < companies; i++)
        {
            launches[i] = i == target || rng.Next(2) == 0;
        }

        if (launches.Count(l => l) == 1)
        {
            int other = (Array.IndexOf(launches, true) + 1 + rng.Next(companies - 1)) % companies;
            launches[other] = true;
        }

        return launches;
    }

    /// <summary>A question kind: a quarter Direct up to V11; from V12 a fifth of the questions are
    /// <see cref="QuestionKind.CompanyAboveFounder"/>, taken from Direct and CompanyAbove; from V14 a quarter are
    /// <see cref="QuestionKind.CompanyChain"/>, a tenth each Direct and Alias, 15% CompanyAbove, a fifth each
    /// CompanyAboveFounder and PersonAbove; V15 asks a third each CompanyAbove, CompanyAboveFounder and PersonAbove.</summary>
    private static QuestionKind DrawKind(Random rng, WorldVersion version) => (version, rng.NextDouble()) switch
    {
        (WorldVersion.V15, < 1.0 / 3) => QuestionKind.CompanyAbove,
        (WorldVersion.V15, < 2.0 / 3) => QuestionKind.CompanyAboveFounder,
        (WorldVersion.V15, _) => QuestionKind.PersonAbove,
        ( < WorldVersion.V12, < 0.25) => QuestionKind.Direct,
        ( < WorldVersion.V12, < 0.55) => QuestionKind.CompanyAbove,
        ( < WorldVersion.V12, < 0.80) => QuestionKind.PersonAbove,
        ( < WorldVersion.V12, _) => QuestionKind.Alias,
        ( < WorldVersion.V14, < 0.15) => QuestionKind.Direct,
        ( < WorldVersion.V14, < 0.35) => QuestionKind.CompanyAbove,
        ( < WorldVersion.V14, < 0.55) => QuestionKind.CompanyAboveFounder,
        ( < WorldVersion.V14, < 0.80) => QuestionKind.PersonAbove,
        ( < WorldVersion.V14, _) => QuestionKind.Alias,
        (_, < 0.10) => QuestionKind.Direct,
        (_, < 0.25) => QuestionKind.CompanyAbove,
        (_, < 0.45) => QuestionKind.CompanyAboveFounder,
        (_, < 0.70) => QuestionKind.CompanyChain,
        (_, < 0.90) => QuestionKind.PersonAbove,
        (_, _) => QuestionKind.Alias,
    };

    /// <summary>The most chained launches a company has in world V14 (<see cref="QuestionKind.CompanyChain"/>). One: with up
    /// to two, 7 H200-minutes of training from T12 (V14a) answered 41% of the two-link questions with full prefill (72% of
    /// the one-link ones; tools/SparseX.Train/README.md, thirteenth session).</summary>
    public const int MaxChain = 1;

    /// <summary>What ends each document of a merged conversation (<see cref="MergedShare"/>).</summary>
    public const string MergedSeparator = "\n";

    /// <summary>Joins documents into one message the merged way: each document followed by <see cref="MergedSeparator"/>.
    /// The separator ends its document rather than sitting between two, so a reused document's cached tokens include
    /// it and no freshly computed token stands between two documents: a link from one document to the one before it
    /// cannot be resolved in recomputed glue between them (the question's tokens, computed afresh, still see every
    /// document, and the committed model resolves most links there: docs/quality.md).</summary>
    /// <param name="documents">The documents, in order.</param>
    /// <returns>The message content.</returns>
    public static string MergeDocuments(IEnumerable<string> documents) => string.Concat(documents.Select(d => d + MergedSeparator));

    private static Conversation Build(List<Document> docs, List<QuestionAnswer> questions, bool tool, bool merged)
    {
        var messages = new List<ChatMessage>();
        string role = tool ? "tool" : "user";
        if (tool)
        {
            messages.Add(new("system", ToolSystemPrompt));
            messages.Add(new("user", questions[0].Question));
            messages.Add(new("assistant", ToolCall(questions[0].Query)));
        }
        else
        {
            messages.Add(new("system", DocumentSystemPrompt));
        }

        if (merged)
        {
            var supervised = new List<Range>();
            int at = 0;
            foreach (Document d in docs)
            {
                supervised.AddRange(d.HintAnswers().Select(r => (at + r.Start.Value)..(at + r.End.Value)));
                at += d.Text.Length + MergedSeparator.Length;
            }

            messages.Add(new(role, MergeDocuments(docs.Select(d => d.Text))) { Supervised = supervised });
        }
        else
        {
            messages.AddRange(docs.Select(d => new ChatMessage(role, d.Text) { Supervised = d.HintAnswers() }));
        }

        if (!tool)
        {
            messages.Add(new("user", QuestionPrefix + questions[0].Question));
        }

        messages.Add(new("assistant", questions[0].Answer));
        foreach (QuestionAnswer q in questions.Skip(1))
        {
            messages.Add(new("user", tool ? q.Question : QuestionPrefix + q.Question));
            messages.Add(new("assistant", q.Answer));
        }

        return new Conversation(messages, questions[0].Kind, questions[0].Answer, docs.Count, tool)
        {
            Documents = docs.Select(d => d.Text).ToList(),
            Questions = questions,
            Merged = merged,
        };
    }

    /// <summary>The assistant message that calls the <c>search</c> tool (the format the demo model is trained on).</summary>
    /// <param name="query">The search query.</param>
    /// <returns>The message content.</returns>
    public static string ToolCall(string query) => $"<tool_call>{{\"name\": \"search\", \"arguments\": {{\"query\": \"{query}\"}}}}</tool_call>";

    /// <summary>Inserts <paramref name="count"/> filler sentences at random places from sentence <paramref name="firstAt"/> on
    /// (1 keeps a document's first key sentence first; 0, in V3, lets references such as "The company above" sit
    /// mid-document; a filler that opens a document starts with "The", a word that already opens documents, so a V2
    /// tokenizer covers V3).</summary>
    private static void AddFillers(Document d, int count, Random rng, IReadOnlyList<string> cities, int firstAt)
    {
        for (int k = 0; k < count; k++)
        {
            string s = Fill(Fillers[rng.Next(Fillers.Length)], rng, cities);
            int at = rng.Next(firstAt, d.Sentences.Count + 1);
            if (at == 0 && !s.StartsWith("The ", StringComparison.Ordinal))
            {
                s = Fill(OpeningFillers[rng.Next(OpeningFillers.Length)], rng, cities);
            }

            d.Sentences.Insert(at, (s, false));
        }
    }

    private static string Fill(string template, Random rng, IReadOnlyList<string> cities) => template
        .Replace("{n}", rng.Next(2, 100).ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("{y}", rng.Next(1950, 2026).ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("{city}", cities[rng.Next(cities.Count)], StringComparison.Ordinal);

    /// <summary>One alias per company, each another stem's three letters: distinct, and none a company's own prefix.</summary>
    private static string[] DrawAliases(List<string> companies, Random rng)
    {
        var own = companies.Select(EntityPool.Alias).ToHashSet(StringComparer.Ordinal);
        string[] others = EntityPool.Instance.CompanyStems.Select(EntityPool.Alias).Where(a => !own.Contains(a)).Distinct(StringComparer.Ordinal).ToArray();
        return [.. Distinct(others, companies.Count, rng, a => a)];
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
