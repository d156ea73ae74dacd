namespace SparseX.Samples.Agents;

/// <summary>One call of the <c>search</c> tool.</summary>
/// <param name="Query">The query the model asked for.</param>
/// <param name="Documents">The documents it got, in order.</param>
internal sealed record SearchRecord(string Query, IReadOnlyList<string> Documents);
