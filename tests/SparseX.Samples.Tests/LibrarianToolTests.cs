using SparseX.Engine.Reuse;
using SparseX.Engine.Runtime;
using SparseX.Engine.Text;
using SparseX.Engine.Text.Templates;
using SparseX.Samples.Agents;
using SparseX.SemanticKernel;
using SparseX.World;
using WorldMessage = SparseX.World.ChatMessage;

namespace SparseX.Samples.Tests;

/// <summary>
/// The agents' prompts are the demo model's training formats, token for token: a scripted model that calls
/// <c>search</c> drives the librarian's tool loop (parsed by the connector's Hermes parser, executed as a Semantic
/// Kernel function), and every request the workflow sends is compared with <see cref="ChatMl.Render"/> of the
/// conversation the trainer would have built.
/// </summary>
public sealed class LibrarianToolTests
{
    private static readonly string DemoModel = FixturePaths.DemoModel;

    [Fact]
    public async Task A_model_that_calls_search_gets_one_tool_message_per_document_and_every_prompt_is_a_training_format()
    {
        using var tokenizer = HfTokenizer.FromDirectory(DemoModel);
        DemoWorld world = DemoWorld.Create(t => tokenizer.Encode(t).Length);
        WorldQuestion question = world.Questions[0];
        Conversation conversation = world.Conversations[question.Conversation];
        string call = CorpusGenerator.ToolCall(question.Query);
        static bool AfterTool(GenerationRequest r) => r.Spans!.Any(s => s.Kind == SegmentKind.ToolOutput);
        var generator = new ScriptedGenerator(ChatTemplate.FromDirectory(DemoModel), r =>
            r.Spans!.Any(s => s.Text!.Contains(CorpusGenerator.ToolSystemPrompt, StringComparison.Ordinal)) && !AfterTool(r) ? call : question.Answer);
        var store = new DocumentStore(world.Conversations);
        var log = new CallLog { Turn = 1 };
        TurnWorkflow workflow = AgentsSample.CreateWorkflow(new SparseXChatClient(generator), store, log, maxOutputTokens: 16, toolCallMaxTokens: 48);

        TurnState state = await workflow.RunAsync(new TurnState(question), CancellationToken.None);

        SearchRecord search = Assert.Single(store.Searches);
        Assert.Equal(question.Query, search.Query);
        Assert.Equal(conversation.Documents, search.Documents);
        Assert.True(state.Search!.ByModel);
        Assert.Equal(conversation.Documents, state.Retrieved);
        Assert.Equal(question.Answer, state.FinalAnswer);
        Assert.Equal(["librarian", "librarian", "analyst", "reviewer"], log.Records.Select(r => r.Agent));
        Assert.Equal(1, log.Records[0].ToolCalls);

        // Every call is sent twice (the sample's policy, then FullPrefill): requests 0, 2, 4, 6 are the agents' own.
        Assert.Equal(8, generator.Requests.Count);
        Assert.Equal(ReuseMode.FullPrefill, generator.Requests[1].Reuse!.Mode);
        IReadOnlyList<string> documents = conversation.Documents;
        string ask = CorpusGenerator.QuestionPrefix + question.Text;
        List<WorldMessage> toolFormat = [new("system", CorpusGenerator.ToolSystemPrompt), new("user", question.Text)];
        AssertRendersAs(tokenizer, generator.Requests[0], toolFormat);
        AssertRendersAs(tokenizer, generator.Requests[2], [.. toolFormat, new("assistant", call), .. documents.Select(d => new WorldMessage("tool", d))]);
        AssertRendersAs(tokenizer, generator.Requests[4], [new("system", CorpusGenerator.DocumentSystemPrompt), .. documents.Select(d => new WorldMessage("user", d)), new("user", ask)]);
        AssertRendersAs(tokenizer, generator.Requests[6],
            [new("system", CorpusGenerator.DocumentSystemPrompt), .. DocumentOrder.ReverseBlocks(documents).Select(d => new WorldMessage("user", d)), new("user", ask)]);

        // One segment per document, whichever role carries it; the analyst's are the librarian's tool outputs, moved.
        Assert.Equal(documents, generator.Requests[2].Spans!.Where(s => s.Kind == SegmentKind.ToolOutput).Select(s => s.Text));
        Assert.Equal(documents, generator.Requests[4].Spans!.Where(s => s.Kind == SegmentKind.Document).Select(s => s.Text));
    }

    [Fact]
    public async Task Without_a_tool_call_the_workflow_searches_visibly_and_hands_the_librarian_its_call()
    {
        using var tokenizer = HfTokenizer.FromDirectory(DemoModel);
        DemoWorld world = DemoWorld.Create(t => tokenizer.Encode(t).Length);
        WorldQuestion question = world.Questions[0];
        var generator = new ScriptedGenerator(ChatTemplate.FromDirectory(DemoModel), _ => "I do not know");
        var store = new DocumentStore(world.Conversations);
        TurnWorkflow workflow = AgentsSample.CreateWorkflow(new SparseXChatClient(generator), store, new CallLog { Turn = 1 }, 16, 48);

        TurnState state = await workflow.RunAsync(new TurnState(question), CancellationToken.None);

        Assert.Empty(store.Searches); // the model made no call: the tool never ran
        Assert.False(state.Search!.ByModel);
        Assert.Null(state.Search.ModelQuery);
        Assert.Equal("I do not know", state.Search.ModelReply);
        Assert.Equal(question.Query, state.Search.WorkflowQuery);
        Assert.Equal(world.Conversations[question.Conversation].Documents, state.Retrieved);

        // The librarian's second request carries the workflow's call and its results in the tool format.
        AssertRendersAs(tokenizer, generator.Requests[2],
        [
            new("system", CorpusGenerator.ToolSystemPrompt), new("user", question.Text), new("assistant", CorpusGenerator.ToolCall(question.Query)),
            .. state.Retrieved.Select(d => new WorldMessage("tool", d)),
        ]);
    }

    [Fact]
    public void Every_question_finds_its_own_conversation_and_answer()
    {
        using var tokenizer = HfTokenizer.FromDirectory(DemoModel);
        DemoWorld world = DemoWorld.Create(t => tokenizer.Encode(t).Length);
        var store = new DocumentStore(world.Conversations);
        Assert.Equal(3, world.Conversations.Count);
        Assert.All(world.Conversations, c => Assert.True(c.Questions.Count >= 2));
        foreach (WorldQuestion q in world.Questions)
        {
            IReadOnlyList<string> found = store.Retrieve(q.Query);
            Assert.Same(world.Conversations[q.Conversation].Documents, found);
            Assert.Contains(found, d => d.Contains(q.Answer, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Reversed_blocks_keep_each_back_reference_after_its_document()
    {
        string[] documents = ["A Labs is a company .", "The company above launched the X phone .", "B Works is a company .", "C hired D .", "E is an engineer .", "The person above later joined B Works ."];
        Assert.Equal(
            ["E is an engineer .", "The person above later joined B Works .", "C hired D .", "B Works is a company .", "A Labs is a company .", "The company above launched the X phone ."],
            DocumentOrder.ReverseBlocks(documents));
    }

    /// <summary>The request's spans, tokenized one by one as the engine does, equal the training render tokenized whole.</summary>
    private static void AssertRendersAs(HfTokenizer tokenizer, GenerationRequest request, IReadOnlyList<WorldMessage> expected)
    {
        string rendered = ChatMl.Render(expected, addGenerationPrompt: true);
        Assert.Equal(rendered, string.Concat(request.Spans!.Select(s => s.Text)));
        Assert.Equal(tokenizer.Encode(rendered), request.Spans!.SelectMany(s => tokenizer.Encode(s.Text!)).ToArray());
    }
}
