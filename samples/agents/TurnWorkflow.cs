using Microsoft.Agents.AI;
using Microsoft.Agents.AI.Workflows;
using Microsoft.Extensions.AI;
using SparseX.Engine.Reuse;
using SparseX.SemanticKernel;
using CorpusGenerator = SparseX.World.CorpusGenerator;

namespace SparseX.Samples.Agents;

/// <summary>
/// One turn as an Agent Framework workflow: librarian → analyst → reviewer, each in a format the demo model is trained
/// on. The librarian (system prompt <see cref="CorpusGenerator.ToolSystemPrompt"/>) gets the bare question and must
/// call <c>search</c>; the tool's documents come back as one tool message each and it answers. If the model makes no
/// call (or its call finds nothing), the turn says so and the workflow searches with the question's query instead,
/// handing the librarian that call and its results, marked as the workflow's. The analyst
/// (<see cref="CorpusGenerator.DocumentSystemPrompt"/>) reads the same documents as user messages, then
/// <c>Question : …</c>: the same segments after another prefix. The reviewer reads them again with their blocks in
/// another valid order (<see cref="DocumentOrder"/>) and gives the final answer.
/// </summary>
internal sealed class TurnWorkflow(AIAgent librarian, AIAgent analyst, AIAgent reviewer, DocumentStore store, int maxOutputTokens, int toolCallMaxTokens)
{
    /// <summary>The call id of a search the workflow made because the model made none.</summary>
    public const string WorkflowCallId = "workflow-search";

    public async Task<TurnState> RunAsync(TurnState input, CancellationToken cancellationToken)
    {
        ExecutorBinding librarianStep = ((Func<TurnState, IWorkflowContext, CancellationToken, ValueTask<TurnState>>)LibrarianAsync).BindAsExecutor("librarian");
        ExecutorBinding analystStep = ((Func<TurnState, IWorkflowContext, CancellationToken, ValueTask<TurnState>>)AnalystAsync).BindAsExecutor("analyst");
        ExecutorBinding reviewerStep = ((Func<TurnState, IWorkflowContext, CancellationToken, ValueTask<TurnState>>)ReviewerAsync).BindAsExecutor("reviewer");
        Workflow workflow = new WorkflowBuilder(librarianStep)
            .AddEdge(librarianStep, analystStep)
            .AddEdge(analystStep, reviewerStep)
            .WithOutputFrom(reviewerStep)
            .Build();

        await using Run run = await InProcessExecution.RunAsync(workflow, input, cancellationToken: cancellationToken).ConfigureAwait(false);
        TurnState? output = null;
        foreach (WorkflowEvent e in run.NewEvents)
        {
            switch (e)
            {
                case WorkflowOutputEvent o when o.Is(out TurnState? state):
                    output = state;
                    break;
                case ExecutorFailedEvent failed:
                    throw new InvalidOperationException($"Workflow step failed: {failed.Data}", failed.Data as Exception);
                case WorkflowErrorEvent error:
                    throw new InvalidOperationException("The workflow failed.", error.Exception);
            }
        }

        return output ?? throw new InvalidOperationException("The workflow produced no output.");
    }

    /// <summary>The documents as the demo model reads them in the documents format: one user message (one segment) each.</summary>
    public static IEnumerable<ChatMessage> DocumentMessages(IEnumerable<string> documents) =>
        documents.Select(d => new ChatMessage(ChatRole.User, d).AsSparseXSegment(SegmentKind.Document));

    private async ValueTask<TurnState> LibrarianAsync(TurnState state, IWorkflowContext context, CancellationToken cancellationToken)
    {
        int searchesBefore = store.Searches.Count;
        AgentResponse response = await RunAsync(librarian, [new ChatMessage(ChatRole.User, state.Question.Text)], toolCallMaxTokens, cancellationToken).ConfigureAwait(false);
        FunctionCallContent? call = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().FirstOrDefault(c => c.Name == "search");
        SearchRecord? search = store.Searches.Skip(searchesBefore).LastOrDefault();
        if (call is not null && search is { Documents.Count: > 0 })
        {
            return state with { Search = new SearchOutcome(search.Query, null, null), Retrieved = search.Documents, LibrarianAnswer = Flatten(response.Text) };
        }

        // No usable call from the model: say so, search with the question's own query, and hand the librarian that
        // call (the workflow's, under its own call id) and its results in the tool format.
        string reply = call is null ? Flatten(response.Text) : $"search(\"{search?.Query}\") found nothing";
        IReadOnlyList<string> documents = store.Retrieve(state.Question.Query);
        ChatMessage[] messages =
        [
            new(ChatRole.User, state.Question.Text),
            new(ChatRole.Assistant, [new FunctionCallContent(WorkflowCallId, "search", new Dictionary<string, object?> { ["query"] = state.Question.Query })]),
            new(ChatRole.Tool, [new FunctionResultContent(WorkflowCallId, documents.Select(d => (AIContent)new TextContent(d)).ToList())]),
        ];
        AgentResponse answer = await RunAsync(librarian, messages, toolCallMaxTokens, cancellationToken).ConfigureAwait(false);
        return state with
        {
            Search = new SearchOutcome(call is null ? null : search?.Query ?? string.Empty, reply, state.Question.Query),
            Retrieved = documents,
            LibrarianAnswer = Flatten(answer.Text),
        };
    }

    private async ValueTask<TurnState> AnalystAsync(TurnState state, IWorkflowContext context, CancellationToken cancellationToken)
    {
        List<ChatMessage> messages = [.. DocumentMessages(state.Retrieved), new(ChatRole.User, CorpusGenerator.QuestionPrefix + state.Question.Text)];
        AgentResponse response = await RunAsync(analyst, messages, maxOutputTokens, cancellationToken).ConfigureAwait(false);
        return state with { AnalystAnswer = Flatten(response.Text) };
    }

    private async ValueTask<TurnState> ReviewerAsync(TurnState state, IWorkflowContext context, CancellationToken cancellationToken)
    {
        List<ChatMessage> messages = [.. DocumentMessages(DocumentOrder.ReverseBlocks(state.Retrieved)), new(ChatRole.User, CorpusGenerator.QuestionPrefix + state.Question.Text)];
        AgentResponse response = await RunAsync(reviewer, messages, maxOutputTokens, cancellationToken).ConfigureAwait(false);
        return state with { FinalAnswer = Flatten(response.Text) };
    }

    private static Task<AgentResponse> RunAsync(AIAgent agent, IEnumerable<ChatMessage> messages, int maxTokens, CancellationToken cancellationToken) =>
        agent.RunAsync(messages, session: null, new ChatClientAgentRunOptions(new ChatOptions { MaxOutputTokens = maxTokens, Temperature = 0 }), cancellationToken);

    private static string Flatten(string text) => text.ReplaceLineEndings(" ").Trim();
}
