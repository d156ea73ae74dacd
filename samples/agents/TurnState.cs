namespace SparseX.Samples.Agents;

/// <summary>The message passed along the workflow within one turn.</summary>
/// <param name="Question">The question (with its ground truth).</param>
internal sealed record TurnState(WorldQuestion Question)
{
    /// <summary>Gets how the documents were found: by the model's tool call, or by the workflow after none.</summary>
    public SearchOutcome? Search { get; init; }

    /// <summary>Gets the documents the agents read, in the conversation's order.</summary>
    public IReadOnlyList<string> Retrieved { get; init; } = [];

    public string LibrarianAnswer { get; init; } = string.Empty;

    public string AnalystAnswer { get; init; } = string.Empty;

    public string FinalAnswer { get; init; } = string.Empty;
}
