using Microsoft.Extensions.AI;

namespace SparseX.Samples.Agents;

/// <summary>The message passed along the workflow within one turn.</summary>
/// <param name="Question">The question.</param>
/// <param name="History">Earlier turns (question and final answer), which every agent sees.</param>
internal sealed record TurnState(WorldQuestion Question, IReadOnlyList<ChatMessage> History)
{
    public IReadOnlyList<WorldDocument> Retrieved { get; init; } = [];

    public string LibrarianAnswer { get; init; } = string.Empty;

    public string AnalystAnswer { get; init; } = string.Empty;

    public string FinalAnswer { get; init; } = string.Empty;
}
