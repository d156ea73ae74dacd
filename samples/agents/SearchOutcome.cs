namespace SparseX.Samples.Agents;

/// <summary>How a turn's documents were found.</summary>
/// <param name="ModelQuery">The query of the model's own <c>search</c> call, or null when the model made none.</param>
/// <param name="ModelReply">What the model replied when it made no call (or its call found nothing).</param>
/// <param name="WorkflowQuery">The query the workflow searched with as a fallback, or null when the model's call was used.</param>
internal sealed record SearchOutcome(string? ModelQuery, string? ModelReply, string? WorkflowQuery)
{
    /// <summary>Gets whether the model called the tool and the call found documents.</summary>
    public bool ByModel => ModelQuery is not null && WorkflowQuery is null;
}
