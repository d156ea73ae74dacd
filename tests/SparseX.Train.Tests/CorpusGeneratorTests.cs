using SparseX.World;
using SparseX.Train.Text;

namespace SparseX.Train.Tests;

public class CorpusGeneratorTests
{
    private static int Count(string text) => ByteLevel.PreTokenize(text).Count() + 8;

    [Fact]
    public void SameSeedSameConversationsOtherSeedOthers()
    {
        var a = new CorpusGenerator(7, CorpusSplit.Train, Count);
        var b = new CorpusGenerator(7, CorpusSplit.Train, Count);
        var c = new CorpusGenerator(8, CorpusSplit.Train, Count);
        for (int i = 0; i < 20; i++)
        {
            Assert.Equal(a.Sample(i).Render(), b.Sample(i).Render());
        }

        Assert.True(Enumerable.Range(0, 20).Count(i => a.Sample(i).Render() != c.Sample(i).Render()) >= 19);
    }

    [Fact]
    public void CompanyAboveAnswerIsIntroducedOnlyByThePreviousDocument()
    {
        var gen = new CorpusGenerator(3, CorpusSplit.Train, Count);
        int seen = 0;
        for (int i = 0; i < 200; i++)
        {
            Conversation conv = gen.Sample(i);
            if (conv.Kind != QuestionKind.CompanyAbove)
            {
                continue;
            }

            seen++;
            string product = conv.Messages.Single(m => m.Content.Contains("Which company launched the", StringComparison.Ordinal)).Content
                .Split("launched the ")[1].TrimEnd(' ', '?');
            var docs = conv.Messages.Where(m => m.Role is "user" or "tool" && !m.Content.Contains('?', StringComparison.Ordinal)).ToList();
            int at = docs.FindIndex(m => m.Content.StartsWith($"The company above launched the {product} .", StringComparison.Ordinal));
            Assert.True(at > 0, "the linking document follows another document");
            Assert.DoesNotContain(conv.Answer, docs[at].Content, StringComparison.Ordinal);
            Assert.StartsWith(conv.Answer + " ", docs[at - 1].Content, StringComparison.Ordinal);
        }

        Assert.True(seen > 30);
    }

    [Theory]
    [InlineData(WorldVersion.V1)]
    [InlineData(WorldVersion.V12)]
    [InlineData(WorldVersion.V13)]
    [InlineData(WorldVersion.V14)]
    public void EveryKindOfTheWorldAndBothFormatsOccur(WorldVersion version)
    {
        var gen = new CorpusGenerator(5, CorpusSplit.Train, Count, version: version);
        var convs = Enumerable.Range(0, 300).Select(i => gen.Sample(i)).ToList();
        foreach (QuestionKind k in Enum.GetValues<QuestionKind>())
        {
            // The two-hop kind exists from V12 on and chains from V14; earlier worlds must never ask them.
            if ((k == QuestionKind.CompanyAboveFounder && version < WorldVersion.V12) || (k == QuestionKind.CompanyChain && version < WorldVersion.V14))
            {
                Assert.DoesNotContain(convs, c => c.Kind == k);
            }
            else
            {
                Assert.Contains(convs, c => c.Kind == k);
            }
        }

        Assert.Contains(convs, c => c.UsesTool && c.Messages.Any(m => m.Role == "tool") && c.Messages[2].Content.StartsWith("<tool_call>{\"name\": \"search\"", StringComparison.Ordinal));
        Assert.Contains(convs, c => !c.UsesTool);
        Assert.All(convs, c => Assert.Equal(c.Answer, c.Messages[^1].Content));
        Assert.All(convs, c => Assert.True(Count(c.Render()) <= gen.MaxTokens));
    }

    [Fact]
    public void HeldOutNamesNeverAppearInTraining()
    {
        EntityPool pool = EntityPool.Instance;
        Assert.Empty(pool.HeldOutCompanies.Intersect(pool.Companies));
        Assert.Empty(pool.HeldOutPeople.Intersect(pool.People));
        var held = pool.HeldOutCompanies.Concat(pool.HeldOutPeople).Concat(pool.HeldOutProducts).ToHashSet();
        var train = new CorpusGenerator(1, CorpusSplit.Train, Count);
        var eval = new CorpusGenerator(1, CorpusSplit.HeldOut, Count);
        for (int i = 0; i < 100; i++)
        {
            string text = train.Sample(i).Render();
            Assert.DoesNotContain(held, h => text.Contains(h + " ", StringComparison.Ordinal));
            Conversation e = eval.Sample(i);
            if (e.Kind is QuestionKind.CompanyAbove or QuestionKind.Alias or QuestionKind.PersonAbove)
            {
                Assert.Contains(e.Answer, held);
            }
        }

        // Another evaluation seed draws other held-out questions from the same pool.
        var eval2 = new CorpusGenerator(2, CorpusSplit.HeldOut, Count);
        Assert.NotEqual(eval.Sample(0).Render(), eval2.Sample(0).Render());
    }

    [Theory]
    [InlineData(WorldVersion.V1, VersionOneHash)]
    [InlineData(WorldVersion.V2, VersionTwoHash)]
    public void ConversationsStayExactlyAsTheModelsWereTrainedOn(WorldVersion version, string expected)
    {
        // models/sparsex-demo was trained on V1, then V2 (its sparsex_world.json says V2) and is evaluated on V2; earlier
        // exports were V1. A change here silently changes their benchmark.
        var gen = new CorpusGenerator(1, CorpusSplit.HeldOut, Count, version: version);
        string all = string.Concat(Enumerable.Range(0, 20).Select(i => gen.Sample(i).Render()));
        string hash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(all)));
        Assert.True(expected == hash, hash);
    }

    [Theory]
    [InlineData(WorldVersion.V2)]
    [InlineData(WorldVersion.V3)]
    [InlineData(WorldVersion.V4)]
    public void HintsRestateTrueFactsThatAreNotAskedAndChangeNothingElse(WorldVersion version)
    {
        // Room for every sentence, so removing the hints must give the conversation without them exactly.
        var plain = new CorpusGenerator(5, CorpusSplit.Train, Count, maxTokens: 8192, version: version);
        var hinted = new CorpusGenerator(5, CorpusSplit.Train, Count, maxTokens: 8192, version: version) { HintShare = 0.5 };
        var forms = new HashSet<string>();
        for (int i = 0; i < 100; i++)
        {
            Conversation a = plain.Sample(i, difficulty: 1, maxQuestions: 4), b = hinted.Sample(i, difficulty: 1, maxQuestions: 4);
            Assert.Equal(a.Questions, b.Questions);
            string text = b.Render();
            foreach (ChatMessage m in b.Messages)
            {
                foreach (Range r in m.Supervised)
                {
                    string answer = m.Content[r];
                    Assert.StartsWith(" ", answer, StringComparison.Ordinal);
                    answer = answer[1..];
                    Assert.Equal(" .", m.Content.Substring(r.End.Value, 2));
                    int start = m.Content.LastIndexOf(" . ", r.Start.Value, StringComparison.Ordinal) + 3;
                    string sentence = m.Content[start..(r.End.Value + 2)];
                    text = text.Replace(" " + sentence, string.Empty, StringComparison.Ordinal);
                    Assert.DoesNotContain(b.Questions, q => q.Answer == answer && sentence.Contains(" " + q.Query + " ", StringComparison.Ordinal));
                    var launch = System.Text.RegularExpressions.Regex.Match(sentence, @"^The (\w+ \w+) was launched by (\w+ \w+) \.$");
                    if (launch.Success)
                    {
                        // "The company above" in the launching document means the company of the document before it.
                        var docs = b.Documents.ToList();
                        int at = docs.FindIndex(d => d.StartsWith($"The company above launched the {launch.Groups[1].Value} .", StringComparison.Ordinal)
                            || d.Contains($" The company above launched the {launch.Groups[1].Value} .", StringComparison.Ordinal));
                        Assert.StartsWith(launch.Groups[2].Value, docs[at - 1].Split(" is a company")[0].Split(" , also known")[0].Split(" . ")[^1], StringComparison.Ordinal);
                    }

                    forms.Add(System.Text.RegularExpressions.Regex.Replace(sentence, @"[A-Z][a-z]+( [A-Z][a-z]+)?|[A-Z]{3}|\b(phone|drone|tablet|scooter|camera|printer|robot|speaker)\b", "_"));
                }
            }

            Assert.Equal(a.Render(), text);
        }

        // V4's introductions restate the Direct facts themselves, so only the linking documents get hints there.
        Assert.Equal(version == WorldVersion.V4 ? 3 : 5, forms.Count);
        Assert.Equal(plain.Sample(3).Render(), (new CorpusGenerator(5, CorpusSplit.Train, Count, maxTokens: 8192, version: version) { HintShare = 0 }).Sample(3).Render());
        Assert.Throws<ArgumentException>(() => new CorpusGenerator(5, CorpusSplit.Train, Count, version: WorldVersion.V1) { HintShare = 0.5 });
    }

    [Fact]
    public void VersionFourIntroductionsEndByRestatingTheirEntityAndLinkingDocumentsDoNot()
    {
        var v2 = new CorpusGenerator(12, CorpusSplit.Train, Count, version: WorldVersion.V2);
        var v4 = new CorpusGenerator(12, CorpusSplit.Train, Count, version: WorldVersion.V4);
        int companies = 0, engineers = 0;
        for (int i = 0; i < 100; i++)
        {
            Conversation a = v2.Sample(i, difficulty: 1, maxQuestions: 4), b = v4.Sample(i, difficulty: 1, maxQuestions: 4);
            Assert.Equal(a.Questions, b.Questions);
            foreach (string d in b.Documents)
            {
                var company = System.Text.RegularExpressions.Regex.Match(d, @"^(?:The [\w ]+ \. )*(\w+ \w+)(?: , also known as \w+ ,)? is a company based in (\w+) \.");
                var engineer = System.Text.RegularExpressions.Regex.Match(d, @"^(\w+ \w+) is an engineer from (\w+) \.");
                if (company.Success)
                {
                    companies++;
                    string c = company.Groups[1].Value;
                    Assert.Matches($@"The company based in {company.Groups[2].Value} is {c} \. The company founded by \w+ \w+ is {c} \.$", d);
                }
                else if (engineer.Success)
                {
                    engineers++;
                    Assert.EndsWith($"The engineer from {engineer.Groups[2].Value} is {engineer.Groups[1].Value} .", d, StringComparison.Ordinal);
                }
                else
                {
                    Assert.DoesNotContain(" is ", d.Replace(" is busy", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
                }
            }
        }

        Assert.True(companies > 200 && engineers > 50, $"{companies} companies, {engineers} engineers");
    }

    [Fact]
    public void VersionFiveStatesEveryLinkKeyFirstAndChangesNothingElse()
    {
        // Room for every sentence (V5's sentences are longer, so the token limit would trim other fillers).
        var v4 = new CorpusGenerator(13, CorpusSplit.Train, Count, maxTokens: 8192, version: WorldVersion.V4);
        var v5 = new CorpusGenerator(13, CorpusSplit.Train, Count, maxTokens: 8192, version: WorldVersion.V5);
        int launches = 0, projects = 0, hires = 0;
        for (int i = 0; i < 100; i++)
        {
            Conversation a = v4.Sample(i, difficulty: 1, maxQuestions: 4), b = v5.Sample(i, difficulty: 1, maxQuestions: 4);
            Assert.Equal(a.Questions, b.Questions);
            string text = b.Render();
            launches += System.Text.RegularExpressions.Regex.Count(text, @"The \w+ \w+ was launched by the company above \.");
            projects += System.Text.RegularExpressions.Regex.Count(text, @"The \w+ \w+ project was handled by the person above \.");
            hires += System.Text.RegularExpressions.Regex.Count(text, @"\w+ \w+ was hired by [A-Z]{3} as chief engineer \.");
            text = System.Text.RegularExpressions.Regex.Replace(text, @"The (\w+ \w+) was launched by the company above \.", "The company above launched the $1 .");
            text = System.Text.RegularExpressions.Regex.Replace(text, @"The (\w+ \w+) project was handled by the person above \.", "The person above later handled the $1 project .");
            text = System.Text.RegularExpressions.Regex.Replace(text, @"(\w+ \w+) was hired by ([A-Z]{3}) as chief engineer \.", "$2 hired $1 as chief engineer .");
            Assert.Equal(a.Render(), text);
        }

        Assert.True(launches > 100 && projects > 50 && hires > 20, $"{launches} launches, {projects} projects, {hires} hires");
    }

    [Fact]
    public void HintsOfAskedFactsMakeAHintSayNothingAboutWhetherItsFactIsAsked()
    {
        var unfair = new CorpusGenerator(9, CorpusSplit.Train, Count, maxTokens: 8192, version: WorldVersion.V5) { HintShare = 0.5 };
        var fair = new CorpusGenerator(9, CorpusSplit.Train, Count, maxTokens: 8192, version: WorldVersion.V5) { HintShare = 0.5, HintAskedShare = 0.5 };
        int asked = 0, askedHinted = 0, notAsked = 0, notAskedHinted = 0, unfairAskedHinted = 0;
        for (int i = 0; i < 300; i++)
        {
            Conversation a = unfair.Sample(i, difficulty: 1, maxQuestions: 4), b = fair.Sample(i, difficulty: 1, maxQuestions: 4);
            Assert.Equal(a.Questions, b.Questions);
            var linked = b.Questions.Where(q => q.Kind != QuestionKind.Direct).ToList();
            var hinted = Hints(b);
            int askedHere = linked.Count(q => hinted.Any(h => h.Answer == q.Answer && h.Sentence.Contains(q.Query, StringComparison.Ordinal)));
            asked += linked.Count;
            askedHinted += askedHere;
            unfairAskedHinted += linked.Count(q => Hints(a).Any(h => h.Answer == q.Answer && h.Sentence.Contains(q.Query, StringComparison.Ordinal)));

            // Every linking sentence is a fact; those not asked are the rest.
            string text = b.Render();
            int facts = System.Text.RegularExpressions.Regex.Count(text, @"by the (company|person) above \.| as chief engineer \.");
            notAsked += facts - linked.Count;
            notAskedHinted += hinted.Count - askedHere;
        }

        Assert.Equal(0, unfairAskedHinted);
        Assert.True(asked > 150 && notAsked > 150, $"{asked} asked, {notAsked} not asked");
        double pAsked = (double)askedHinted / asked, pNotAsked = (double)notAskedHinted / notAsked;
        Assert.InRange(pAsked, 0.4, 0.6);
        Assert.InRange(pNotAsked, 0.4, 0.6);
        Assert.Throws<ArgumentException>(() => new CorpusGenerator(5, CorpusSplit.Train, Count, version: WorldVersion.V1) { HintAskedShare = 0.5 });

        // The hint sentences of a conversation and their supervised answers.
        static List<(string Sentence, string Answer)> Hints(Conversation c) => c.Messages
            .SelectMany(m => m.Supervised.Select(r => (Sentence: m.Content[(m.Content.LastIndexOf(" . ", r.Start.Value, StringComparison.Ordinal) + 3)..(r.End.Value + 2)], Answer: m.Content[r][1..])))
            .ToList();
    }

    [Fact]
    public void MergedShareJoinsTheDocumentsIntoOneMessageAndChangesNothingElse()
    {
        var separate = new CorpusGenerator(4, CorpusSplit.Train, Count, maxTokens: 8192, version: WorldVersion.V5) { HintShare = 0.5, HintAskedShare = 1 };
        var all = new CorpusGenerator(4, CorpusSplit.Train, Count, maxTokens: 8192, version: WorldVersion.V5) { HintShare = 0.5, HintAskedShare = 1, MergedShare = 1 };
        var half = new CorpusGenerator(4, CorpusSplit.Train, Count, maxTokens: 8192, version: WorldVersion.V5) { HintShare = 0.5, HintAskedShare = 1, MergedShare = 0.5 };
        int merged = 0, tools = 0;
        for (int i = 0; i < 100; i++)
        {
            Conversation a = separate.Sample(i, difficulty: 1, maxQuestions: 4), b = all.Sample(i, difficulty: 1, maxQuestions: 4);
            Assert.False(a.Merged);
            Assert.True(b.Merged);
            Assert.Equal(a.Questions, b.Questions);
            Assert.Equal(a.Documents, b.Documents);
            Assert.Equal(a.UsesTool, b.UsesTool);
            tools += b.UsesTool ? 1 : 0;

            // One message holds every document, each ended by the separator, in the role the separate ones have.
            string role = a.UsesTool ? "tool" : "user";
            ChatMessage docs = Assert.Single(b.Messages, m => m.Content == string.Concat(a.Documents.Select(d => d + "\n")));
            Assert.Equal(role, docs.Role);
            Assert.Equal(a.Messages.Count - a.DocumentCount + 1, b.Messages.Count);

            // The same hint answers are supervised, at their place in the merged message.
            Assert.Equal(
                a.Messages.SelectMany(m => m.Supervised.Select(r => m.Content[r])),
                b.Messages.SelectMany(m => m.Supervised.Select(r => m.Content[r])));
            merged += half.Sample(i, difficulty: 1, maxQuestions: 4).Merged ? 1 : 0;
        }

        Assert.InRange(merged, 35, 65);
        Assert.InRange(tools, 10, 90);
        Assert.Throws<ArgumentOutOfRangeException>(() => new CorpusGenerator(5, CorpusSplit.Train, Count) { MergedShare = 1.5 });
    }

    [Fact]
    public void VersionSixEndsThePersonLinksQuestionWithItsKeyAndChangesNothingElse()
    {
        var v5 = new CorpusGenerator(13, CorpusSplit.Train, Count, maxTokens: 8192, version: WorldVersion.V5) { HintShare = 0.5 };
        var v6 = new CorpusGenerator(13, CorpusSplit.Train, Count, maxTokens: 8192, version: WorldVersion.V6) { HintShare = 0.5 };
        int projects = 0, asked = 0;
        for (int i = 0; i < 100; i++)
        {
            Conversation a = v5.Sample(i, difficulty: 1, maxQuestions: 4), b = v6.Sample(i, difficulty: 1, maxQuestions: 4);
            Assert.Equal(a.Questions.Select(q => (q.Kind, q.Answer, q.Query)), b.Questions.Select(q => (q.Kind, q.Answer, q.Query)));
            string text = b.Render();
            projects += System.Text.RegularExpressions.Regex.Count(text, @"The \w+ \w+ was handled by the person above \.");
            foreach (QuestionAnswer q in b.Questions.Where(q => q.Kind == QuestionKind.PersonAbove))
            {
                Assert.Equal($"Who handled the {q.Query} ?", q.Question);
                asked++;
            }

            Assert.DoesNotContain(" project was handled by", text, StringComparison.Ordinal);
            text = System.Text.RegularExpressions.Regex.Replace(text, @"The (\w+ \w+) was handled by ", "The $1 project was handled by ");
            text = System.Text.RegularExpressions.Regex.Replace(text, @"Who handled the (\w+ \w+) \?", "Who handled the $1 project ?");
            Assert.Equal(a.Render(), text);
        }

        Assert.True(projects > 50 && asked > 10, $"{projects} projects, {asked} questions");
    }

    [Fact]
    public void VersionSevenAsksThePersonLinkAmongTwoToFourEngineers()
    {
        var gen = new CorpusGenerator(13, CorpusSplit.Train, Count, maxTokens: 8192, version: WorldVersion.V7);
        var engineersSeen = new HashSet<int>();
        for (int i = 0; i < 300; i++)
        {
            Conversation conv = gen.Sample(i, difficulty: 1, maxQuestions: 1);
            string text = conv.Render();
            int engineers = Engineers(text);
            Assert.Equal(engineers, System.Text.RegularExpressions.Regex.Count(text, @"The \w+ \w+ was handled by the person above \."));
            if (conv.Questions[0].Kind == QuestionKind.PersonAbove)
            {
                Assert.InRange(engineers, 2, 4);
                engineersSeen.Add(engineers);
                Assert.Contains($"{conv.Questions[0].Answer} is an engineer from", text, StringComparison.Ordinal);
                Assert.Equal($"Who handled the {conv.Questions[0].Query} ?", conv.Questions[0].Question);
            }
            else
            {
                Assert.InRange(engineers, 0, 2);
            }
        }

        Assert.Equal([2, 3, 4], engineersSeen.Order());
    }

    [Fact]
    public void VersionEightAsksEveryLinkByItsLastWordAmongTwoOrMoreCandidates()
    {
        var gen = new CorpusGenerator(21, CorpusSplit.HeldOut, Count, maxTokens: 8192, version: WorldVersion.V8) { HintShare = 0.5, HintAskedShare = 0.5 };
        var kinds = new HashSet<QuestionKind>();
        int launchConversations = 0, engineerConversations = 0;
        for (int i = 0; i < 300; i++)
        {
            Conversation conv = gen.Sample(i, difficulty: 1, maxQuestions: 6);
            string text = conv.Render();
            int engineers = Engineers(text);
            int launches = System.Text.RegularExpressions.Regex.Count(text, @"The \w+ was launched by the company above \.");
            Assert.NotEqual(1, engineers);
            Assert.NotEqual(1, launches);
            Assert.Equal(engineers, System.Text.RegularExpressions.Regex.Count(text, @"The \w+ was handled by the person above \."));
            launchConversations += launches > 0 ? 1 : 0;
            engineerConversations += engineers > 0 ? 1 : 0;
            foreach (QuestionAnswer q in conv.Questions.Where(q => q.Kind is QuestionKind.CompanyAbove or QuestionKind.PersonAbove))
            {
                kinds.Add(q.Kind);
                Assert.EndsWith($" the {q.Query} ?", q.Question, StringComparison.Ordinal);
                Assert.DoesNotContain(" ", q.Query, StringComparison.Ordinal);

                AssertLinkFollowsItsAnswer(conv, q, $" {q.Query} ", $"The {q.Query} was ");
            }
        }

        Assert.Equal(2, kinds.Count);
        Assert.True(launchConversations > 100 && engineerConversations > 100, $"{launchConversations} with launches, {engineerConversations} with engineers");
    }

    [Fact]
    public void VersionNineKeysBothLinksByAPersonAmongTwoOrMoreCandidates()
    {
        var gen = new CorpusGenerator(22, CorpusSplit.HeldOut, Count, maxTokens: 8192, version: WorldVersion.V9);
        var kinds = new HashSet<QuestionKind>();
        for (int i = 0; i < 300; i++)
        {
            Conversation conv = gen.Sample(i, difficulty: 1, maxQuestions: 6);
            string text = conv.Render();
            int engineers = Engineers(text);
            int companyLinks = System.Text.RegularExpressions.Regex.Count(text, @"\w+ \w+ was hired by the company above \.");
            Assert.NotEqual(1, engineers);
            Assert.NotEqual(1, companyLinks);
            Assert.Equal(engineers, System.Text.RegularExpressions.Regex.Count(text, @"\w+ \w+ was hired by the person above \."));
            Assert.DoesNotContain(" launched by ", text, StringComparison.Ordinal);
            Assert.DoesNotContain(" was handled by ", text, StringComparison.Ordinal);
            foreach (QuestionAnswer q in conv.Questions.Where(q => q.Kind is QuestionKind.CompanyAbove or QuestionKind.PersonAbove))
            {
                kinds.Add(q.Kind);
                Assert.Equal(q.Kind == QuestionKind.CompanyAbove ? $"Which company hired {q.Query} ?" : $"Who hired {q.Query} ?", q.Question);

                // The key is a person of its own.
                AssertLinkFollowsItsAnswer(conv, q, q.Query, $"{q.Query} was hired by the {(q.Kind == QuestionKind.CompanyAbove ? "company" : "person")} above .");
            }
        }

        Assert.Equal(2, kinds.Count);
    }

    [Fact]
    public void VersionTenIntroducesEngineersWithoutAProjectAndAsksOnlyLinkedOnesAmongTwoOrMore()
    {
        var gen = new CorpusGenerator(23, CorpusSplit.HeldOut, Count, maxTokens: 8192, version: WorldVersion.V10);
        int unlinkedConversations = 0, oneLinkAmongSeveral = 0;
        for (int i = 0; i < 300; i++)
        {
            Conversation conv = gen.Sample(i, difficulty: 1, maxQuestions: 6);
            string text = conv.Render();
            int engineers = Engineers(text);
            int links = System.Text.RegularExpressions.Regex.Count(text, @"The \w+ \w+ project was handled by the person above \.");
            Assert.NotEqual(1, engineers);
            Assert.InRange(links, 0, engineers);
            unlinkedConversations += links < engineers ? 1 : 0;
            oneLinkAmongSeveral += links == 1 ? 1 : 0;
            foreach (QuestionAnswer q in conv.Questions.Where(q => q.Kind == QuestionKind.PersonAbove))
            {
                // V5's question form, asked only of a linked engineer.
                Assert.Equal($"Who handled the {q.Query} project ?", q.Question);
                AssertLinkFollowsItsAnswer(conv, q, $" {q.Query} project ", $"The {q.Query} project was handled by the person above .");
            }

            // The company link is V5's: a full product name (stem and kind) as the key.
            foreach (QuestionAnswer q in conv.Questions.Where(q => q.Kind == QuestionKind.CompanyAbove))
            {
                Assert.Equal($"Which company launched the {q.Query} ?", q.Question);
                Assert.Contains(" ", q.Query, StringComparison.Ordinal);
            }
        }

        Assert.True(unlinkedConversations > 50 && oneLinkAmongSeveral > 30, $"{unlinkedConversations} with an engineer without a project, {oneLinkAmongSeveral} with one link among several engineers");
    }

    [Fact]
    public void VersionElevenIsVersionTenWithLinksThatNeedNotOpenTheirDocument()
    {
        var v10 = new CorpusGenerator(23, CorpusSplit.HeldOut, Count, maxTokens: 8192, version: WorldVersion.V10);
        var v11 = new CorpusGenerator(23, CorpusSplit.HeldOut, Count, maxTokens: 8192, version: WorldVersion.V11);
        int links = 0, opening = 0;
        for (int i = 0; i < 100; i++)
        {
            Conversation a = v10.Sample(i, difficulty: 1, maxQuestions: 4), b = v11.Sample(i, difficulty: 1, maxQuestions: 4);
            Assert.Equal(a.Questions, b.Questions);
            Assert.Equal(a.DocumentCount, b.DocumentCount);
            for (int d = 0; d < b.DocumentCount; d++)
            {
                // The same key sentences in the same documents; only where the fillers go differs.
                string link = Array.Find(a.Documents[d].Split(" . "), x => x.EndsWith("by the person above", StringComparison.Ordinal) || x.EndsWith("by the company above", StringComparison.Ordinal)) ?? string.Empty;
                if (link.Length > 0)
                {
                    Assert.StartsWith(link, a.Documents[d], StringComparison.Ordinal);
                    Assert.Contains(link + " .", b.Documents[d], StringComparison.Ordinal);
                    links++;
                    opening += b.Documents[d].StartsWith(link, StringComparison.Ordinal) ? 1 : 0;
                }
            }
        }

        // Most V11 linking sentences follow a filler (at difficulty 1 a document has 3–14 fillers).
        Assert.True(links > 100 && opening < links / 3, $"{opening} of {links} linking sentences open their document");
    }

    [Fact]
    public void VersionTwelveAsksTheFounderOfTheCompanyAboveALaunch()
    {
        var (primary, asked) = QuestionsOfKind(WorldVersion.V12, 29, QuestionKind.CompanyAboveFounder);
        foreach (var (docs, q) in asked)
        {
            Assert.Equal($"Who founded the company that launched the {q.Query} ?", q.Question);

            // The launch names neither the company nor the founder; the document before it introduces the company, whose
            // founder is the answer.
            int at = Assert.Single(Enumerable.Range(0, docs.Count), d => docs[d].Contains($"The {q.Query} was launched by the company above .", StringComparison.Ordinal));
            Assert.DoesNotContain(q.Answer, docs[at], StringComparison.Ordinal);
            Assert.Matches($@"It was founded in \d+ by {q.Answer} \.", docs[at - 1]);
            Assert.Contains("is a company based in", docs[at - 1], StringComparison.Ordinal);
        }

        // A fifth of the primary questions (40 of 200 expected).
        Assert.True(primary is > 20 and < 60 && asked.Count > primary, $"{primary} primary two-hop questions, {asked.Count} asked");
    }

    [Fact]
    public void VersionThirteenGivesAnAliasOnlyThroughTheCompanyAbove()
    {
        var v13 = new CorpusGenerator(31, CorpusSplit.HeldOut, Count, maxTokens: 8192, version: WorldVersion.V13);
        int asked = 0;
        for (int i = 0; i < 200; i++)
        {
            Conversation conv = v13.Sample(i, difficulty: 1, maxQuestions: 4);
            var docs = conv.Documents.ToList();
            Assert.DoesNotContain(docs, d => d.Contains(" , also known as ", StringComparison.Ordinal) && d.Contains("is a company based in", StringComparison.Ordinal));
            foreach (QuestionAnswer q in conv.Questions.Where(q => q.Kind == QuestionKind.Alias))
            {
                asked++;

                // The hire names the company by its alias alone; the alias is given only by a launch that says "the company
                // above", and the document before that launch introduces the answer.
                string alias = Assert.Single(docs, d => d.Contains($"{q.Query} was hired by ", StringComparison.Ordinal))
                    .Split($"{q.Query} was hired by ")[1].Split(' ')[0];
                Assert.DoesNotContain(q.Answer, string.Join(" ", docs.Where(d => d.Contains($" {alias} ", StringComparison.Ordinal))), StringComparison.Ordinal);
                int at = Assert.Single(Enumerable.Range(0, docs.Count), d => docs[d].Contains($" was launched by the company above , also known as {alias} .", StringComparison.Ordinal));
                Assert.Contains($"{q.Answer} is a company based in", docs[at - 1], StringComparison.Ordinal);
            }
        }

        Assert.True(asked > 30, $"{asked} Alias questions");
    }

    [Fact]
    public void VersionFourteenChainsLaunchesBackToTheCompanyAbove()
    {
        var (primary, asked) = QuestionsOfKind(WorldVersion.V14, 37, QuestionKind.CompanyChain);
        foreach (var (docs, q) in asked)
        {
            // Follow the chain back: each announcement names the product before it, announced in an earlier document, until
            // one says "the company above"; the document before that introduces the answer, which no announcement of the
            // chain names.
            string product = q.Query;
            int at = docs.Count, links = 0;
            while (true)
            {
                string opening = $"The {product} was launched by the ";
                int found = Assert.Single(Enumerable.Range(0, docs.Count), d => docs[d].Contains(opening, StringComparison.Ordinal));
                Assert.True(found < at, "an announcement comes after the one it names");
                Assert.DoesNotContain(q.Answer, docs[found], StringComparison.Ordinal);
                at = found;
                string rest = docs[found].Split(opening)[1];
                if (rest.StartsWith("company above .", StringComparison.Ordinal))
                {
                    break;
                }

                links++;
                product = rest.Split("company that launched the ")[1].Split(" .")[0];
            }

            Assert.InRange(links, 1, CorpusGenerator.MaxChain);
            Assert.Matches($@"{q.Answer} (, also known as [A-Z]+ , )?is a company based in", docs[at - 1]);
        }

        // A quarter of the primary questions (50 of 200 expected).
        Assert.True(primary is > 30 and < 70 && asked.Count > primary, $"{primary} primary chained questions, {asked.Count} asked");
    }

    [Fact]
    public void VersionFifteenAsksOnlyLinkedQuestionsAmongTheMostCandidates()
    {
        var v15 = new CorpusGenerator(3, CorpusSplit.HeldOut, Count, version: WorldVersion.V15);
        var v12 = new CorpusGenerator(3, CorpusSplit.HeldOut, Count, version: WorldVersion.V12);
        var kinds = new Dictionary<QuestionKind, int>();
        for (int i = 0; i < 300; i++)
        {
            Conversation conv = v15.Sample(i);
            kinds[conv.Kind] = kinds.GetValueOrDefault(conv.Kind) + 1;
            Assert.All(conv.Questions, x => Assert.Contains(x.Kind, new[] { QuestionKind.CompanyAbove, QuestionKind.CompanyAboveFounder, QuestionKind.PersonAbove }));
            string text = conv.Render();
            Assert.Equal(5, System.Text.RegularExpressions.Regex.Count(text, @" is a company based in "));
            if (conv.Kind == QuestionKind.PersonAbove)
            {
                Assert.Equal(4, Engineers(text));
            }

            // The asked link: its key sits in one document, after the document that introduces the answer.
            QuestionAnswer q = conv.Questions[0];
            var docs = conv.Documents.ToList();
            string link = q.Kind == QuestionKind.PersonAbove ? $"The {q.Query} project was handled by the person above ." : $"The {q.Query} was launched by the company above .";
            int at = Assert.Single(Enumerable.Range(0, docs.Count), d => docs[d].Contains(link, StringComparison.Ordinal));
            Assert.DoesNotContain(q.Answer, docs[at], StringComparison.Ordinal);
            Assert.Contains(q.Answer, docs[at - 1], StringComparison.Ordinal);

            // Asked in V12's forms, which a V12 model knows (TokenizerTests checks that the demo tokenizer covers the words).
            string[] forms = ["Which company launched the ", "Who founded the company that launched the ", "Who handled the "];
            Assert.All(conv.Questions, asked => Assert.Contains(forms, form => asked.Question.StartsWith(form, StringComparison.Ordinal)));
        }

        // A third of each kind (100 expected); a V12 sample with the same index is another conversation.
        Assert.Equal(3, kinds.Count);
        Assert.All(kinds.Values, n => Assert.InRange(n, 70, 130));
        Assert.NotEqual(v12.Sample(0).Render(), v15.Sample(0).Render());
    }

    /// <summary>The questions of one kind asked in 200 held-out conversations (full difficulty, up to four questions each),
    /// each with its conversation's documents, and how many of the conversations ask that kind first.</summary>
    private static (int Primary, List<(List<string> Docs, QuestionAnswer Question)> Asked) QuestionsOfKind(WorldVersion version, int seed, QuestionKind kind)
    {
        var gen = new CorpusGenerator(seed, CorpusSplit.HeldOut, Count, maxTokens: 8192, version: version);
        int primary = 0;
        var asked = new List<(List<string>, QuestionAnswer)>();
        for (int i = 0; i < 200; i++)
        {
            Conversation conv = gen.Sample(i, difficulty: 1, maxQuestions: 4);
            primary += conv.Kind == kind ? 1 : 0;
            var docs = conv.Documents.ToList();
            asked.AddRange(conv.Questions.Where(q => q.Kind == kind).Select(q => (docs, q)));
        }

        return (primary, asked);
    }

    /// <summary>How many engineers a rendered conversation introduces ("P is an engineer from CITY .").</summary>
    private static int Engineers(string text) => System.Text.RegularExpressions.Regex.Count(text, @"\w+ \w+ is an engineer from");

    /// <summary>A linked question's key (as <paramref name="keyInDocument"/>) is in exactly one document, which opens with
    /// <paramref name="opening"/>, and the answer is the entity of the document before it.</summary>
    private static void AssertLinkFollowsItsAnswer(Conversation conv, QuestionAnswer q, string keyInDocument, string opening)
    {
        var docs = conv.Documents.ToList();
        int at = Assert.Single(Enumerable.Range(0, docs.Count), d => docs[d].Contains(keyInDocument, StringComparison.Ordinal));
        Assert.StartsWith(opening, docs[at], StringComparison.Ordinal);
        Assert.Contains($" {q.Answer} .", docs[at - 1], StringComparison.Ordinal);
    }

    [Fact]
    public void VersionTwoKeysOccurInOneDocumentOnly()
    {
        var gen = new CorpusGenerator(6, CorpusSplit.Train, Count, version: WorldVersion.V2);
        var seen = new HashSet<QuestionKind>();
        for (int i = 0; i < 300; i++)
        {
            Conversation conv = gen.Sample(i, difficulty: 1, maxQuestions: 4);
            foreach (QuestionAnswer q in conv.Questions.Where(q => q.Kind is QuestionKind.Direct or QuestionKind.PersonAbove))
            {
                seen.Add(q.Kind);
                var holding = conv.Documents.Where(d => d.Contains(q.Query + " ", StringComparison.Ordinal)).ToList();
                string holder = Assert.Single(holding);
                if (q.Kind == QuestionKind.Direct)
                {
                    Assert.StartsWith(q.Answer + " ", holder, StringComparison.Ordinal);
                }
                else
                {
                    int at = conv.Documents.ToList().IndexOf(holder);
                    Assert.StartsWith("The person above later handled the " + q.Query + " project .", holder, StringComparison.Ordinal);
                    Assert.StartsWith(q.Answer + " is an engineer", conv.Documents[at - 1], StringComparison.Ordinal);
                    Assert.DoesNotContain(q.Answer, holder, StringComparison.Ordinal);
                }
            }
        }

        Assert.Equal(2, seen.Count);
    }

    [Fact]
    public void VersionThreeAliasesAreNotSpellingsAndReferencesMayStandMidDocument()
    {
        var gen = new CorpusGenerator(4, CorpusSplit.Train, Count, version: WorldVersion.V3);
        int aliases = 0, hires = 0, midReferences = 0, references = 0;
        for (int i = 0; i < 300; i++)
        {
            Conversation conv = gen.Sample(i, difficulty: 1, maxQuestions: 4);
            var docs = conv.Documents.ToList();
            var aliasOf = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (string d in docs)
            {
                var m = System.Text.RegularExpressions.Regex.Match(d, @"(\w+ \w+) , also known as (\w+) , is a company");
                if (m.Success)
                {
                    aliases++;
                    Assert.NotEqual(EntityPool.Alias(m.Groups[1].Value), m.Groups[2].Value);
                    aliasOf.Add(m.Groups[2].Value, m.Groups[1].Value);
                }
            }

            Assert.Equal(aliasOf.Count, aliasOf.Values.Distinct(StringComparer.Ordinal).Count());
            foreach (QuestionAnswer q in conv.Questions.Where(q => q.Kind == QuestionKind.Alias))
            {
                hires++;
                string hire = Assert.Single(docs, d => d.Contains($" hired {q.Query} as chief engineer .", StringComparison.Ordinal));
                string alias = hire.Split(" hired ")[0].Split(' ')[^1];
                Assert.Equal(q.Answer, aliasOf[alias]);
            }

            foreach (QuestionAnswer q in conv.Questions.Where(q => q.Kind == QuestionKind.CompanyAbove))
            {
                references++;
                int at = docs.FindIndex(d => d.Contains($"The company above launched the {q.Query} .", StringComparison.Ordinal));
                Assert.True(at > 0, "the linking document follows another document");
                Assert.Contains(q.Answer + " ", docs[at - 1], StringComparison.Ordinal);
                Assert.DoesNotContain(q.Answer, docs[at], StringComparison.Ordinal);
                midReferences += docs[at].StartsWith("The company above", StringComparison.Ordinal) ? 0 : 1;
            }
        }

        Assert.True(aliases > 50 && hires > 10, $"{aliases} aliases, {hires} alias questions");
        Assert.True(midReferences > references / 4 && midReferences < references, $"{midReferences} of {references} references mid-document");
    }

    [Fact]
    public void TheManifestSaysWhichVersionAModelKnows()
    {
        string dir = Path.Combine(Path.GetTempPath(), "sparsex-world-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            Assert.Equal(WorldVersion.V1, WorldManifest.Read(dir));
            WorldManifest.Write(dir, WorldVersion.V2);
            Assert.Equal(WorldVersion.V2, WorldManifest.Read(dir));
            File.WriteAllText(Path.Combine(dir, WorldManifest.FileName), "{\"world_version\": 99}");
            var e = Assert.Throws<InvalidDataException>(() => WorldManifest.Read(dir));
            Assert.Contains(WorldManifest.FileName, e.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private const string VersionOneHash = "1B744CF7C8EA170E12833763B26C3D772E8FDAA138BC75DC624D20A2298361F1";
    private const string VersionTwoHash = "399EA8B123726180598D92EDD66710DA9134F496E3E820B197F0B237E5733D49";
}
