namespace SparseX.Samples.Agents;

/// <summary>What a run of the sample did.</summary>
/// <param name="Calls">Every model call, in order.</param>
/// <param name="Turns">The final state of each turn.</param>
/// <param name="Searches">The calls of the <c>search</c> tool the model made.</param>
/// <param name="Elapsed">The run's wall time, model load included.</param>
internal sealed record SampleResult(IReadOnlyList<CallRecord> Calls, IReadOnlyList<TurnState> Turns, IReadOnlyList<SearchRecord> Searches, TimeSpan Elapsed);
