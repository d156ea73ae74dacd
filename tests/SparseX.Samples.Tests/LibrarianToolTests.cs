using Microsoft.Extensions.AI;
using SparseX.Engine.Reuse;
using SparseX.Engine.Runtime;
using SparseX.Engine.Text.Templates;
using SparseX.Samples.Agents;
using SparseX.SemanticKernel;

namespace SparseX.Samples.Tests;

/// <summary>
/// The random fixture never emits a tool call; a scripted model that does shows the librarian's <c>search</c> tool
/// (a Semantic Kernel function) runs through the Agent Framework workflow and its result reaches the model as a
/// tool-output segment.
/// </summary>
public sealed class LibrarianToolTests
{
    private const string SearchCall = "<tool_call>\n{\"name\": \"search\", \"arguments\": {\"query\": \"Velmora founded\"}}\n</tool_call>";

    [Fact]
    public async Task A_model_that_calls_search_gets_the_documents_and_every_agent_answers()
    {
        var template = new ChatTemplate(File.ReadAllText(FixturePaths.ChatTemplate("qwen2.5-7b-instruct.jinja")));
        static bool IsLibrarian(GenerationRequest r) => r.Spans!.Any(s => s.Text!.Contains("You are the librarian", StringComparison.Ordinal));
        static bool HasToolOutput(GenerationRequest r) => r.Spans!.Any(s => s.Kind == SegmentKind.ToolOutput);
        var generator = new ScriptedGenerator(template, r => IsLibrarian(r) && !HasToolOutput(r) ? SearchCall : "Ines Kobalt");
        var store = new DocumentStore(World.Documents);
        var log = new CallLog { Turn = 1 };
        TurnWorkflow workflow = AgentsSample.CreateWorkflow(new SparseXChatClient(generator), store, log, maxOutputTokens: 16);

        TurnState state = await workflow.RunAsync(new TurnState(World.Questions[0], []), CancellationToken.None);

        Assert.Equal(1, store.ToolCalls);
        Assert.Equal("Ines Kobalt", state.FinalAnswer);
        Assert.True(state.Question.IsAnsweredBy(state.LibrarianAnswer));

        // librarian: tool call, then answer; analyst; reviewer — each call also re-sent with FullPrefill.
        Assert.Equal(["librarian", "librarian", "analyst", "reviewer"], log.Records.Select(r => r.Agent));
        Assert.Equal(1, log.Records[0].ToolCalls);
        Assert.Equal(8, generator.Requests.Count);
        Assert.Equal(ReuseMode.FullPrefill, generator.Requests[1].Reuse!.Mode);

        GenerationRequest afterTool = generator.Requests[2];
        PromptSpan toolOutput = Assert.Single(afterTool.Spans!, s => s.Kind == SegmentKind.ToolOutput);
        Assert.Contains("Ines Kobalt founded Velmora Robotics", toolOutput.Text, StringComparison.Ordinal);
        Assert.Contains(afterTool.Spans!, s => s.Kind == SegmentKind.Document && s.Text!.Contains("[Otter gripper]", StringComparison.Ordinal));
    }
}
