namespace SparseX.Samples.Agents;

/// <summary>What a run of the sample did.</summary>
/// <param name="Calls">Every model call, in order.</param>
/// <param name="Turns">The final state of each turn.</param>
/// <param name="ToolCalls">How often a model called the <c>search</c> tool itself.</param>
/// <param name="Elapsed">The run's wall time, model load included.</param>
internal sealed record SampleResult(IReadOnlyList<CallRecord> Calls, IReadOnlyList<TurnState> Turns, int ToolCalls, TimeSpan Elapsed);
