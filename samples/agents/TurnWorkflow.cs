using Microsoft.Agents.AI;
using Microsoft.Agents.AI.Workflows;
using Microsoft.Extensions.AI;
using SparseX.SemanticKernel;

namespace SparseX.Samples.Agents;

/// <summary>
/// One turn as an Agent Framework workflow: librarian → analyst → reviewer. The librarian retrieves documents (the
/// workflow calls <c>search</c> itself, and the agent is offered the tool too); the analyst and the reviewer read
/// overlapping documents in other orders, so the engine finds the same segments at new positions.
/// </summary>
internal sealed class TurnWorkflow(AIAgent librarian, AIAgent analyst, AIAgent reviewer, DocumentStore store, int maxOutputTokens)
{
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

    private async ValueTask<TurnState> LibrarianAsync(TurnState state, IWorkflowContext context, CancellationToken cancellationToken)
    {
        IReadOnlyList<WorldDocument> retrieved = store.Retrieve(state.Question.Query, top: 3);
        string answer = await AskAsync(librarian, state, retrieved, $"Question: {state.Question.Text}\nAnswer in a few words.", cancellationToken).ConfigureAwait(false);
        return state with { Retrieved = retrieved, LibrarianAnswer = answer };
    }

    private async ValueTask<TurnState> AnalystAsync(TurnState state, IWorkflowContext context, CancellationToken cancellationToken)
    {
        // The same documents in reverse, plus what a search on the question's own words adds.
        IEnumerable<WorldDocument> documents = state.Retrieved.Reverse().Concat(store.Retrieve(state.Question.Text, top: 4)).DistinctBy(d => d.Id).Take(4);
        string answer = await AskAsync(analyst, state, documents,
            $"Question: {state.Question.Text}\nThe librarian says: {state.LibrarianAnswer}\nFollow the references between the documents and answer in a few words.", cancellationToken).ConfigureAwait(false);
        return state with { AnalystAnswer = answer };
    }

    private async ValueTask<TurnState> ReviewerAsync(TurnState state, IWorkflowContext context, CancellationToken cancellationToken)
    {
        // Everything the others read, in alphabetical order.
        IEnumerable<WorldDocument> documents = state.Retrieved.Concat(store.Retrieve(state.Question.Text, top: 4)).DistinctBy(d => d.Id).OrderBy(d => d.Id, StringComparer.Ordinal);
        string answer = await AskAsync(reviewer, state, documents,
            $"Question: {state.Question.Text}\nThe analyst says: {state.AnalystAnswer}\nCheck it against the documents and give the final answer in a few words.", cancellationToken).ConfigureAwait(false);
        return state with { FinalAnswer = answer };
    }

    private async Task<string> AskAsync(AIAgent agent, TurnState state, IEnumerable<WorldDocument> documents, string prompt, CancellationToken cancellationToken)
    {
        List<ChatMessage> messages = [.. state.History, new ChatMessage(ChatRole.User, prompt)];
        messages.AddSparseXDocuments(documents.Select(d => new SparseXDocument($"[{d.Id}] {d.Text}", d.Id)));
        var options = new ChatClientAgentRunOptions(new ChatOptions { MaxOutputTokens = maxOutputTokens, Temperature = 0 });
        AgentResponse response = await agent.RunAsync(messages, session: null, options, cancellationToken).ConfigureAwait(false);
        return response.Text.ReplaceLineEndings(" ").Trim();
    }
}
