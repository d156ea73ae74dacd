namespace SparseX.Engine.Reuse;

/// <summary>One checked reuse invariant.</summary>
/// <param name="Seed">The scenario seed.</param>
/// <param name="Name">What was checked.</param>
/// <param name="MaxAbsDiff">Max-abs difference of first-token logits (0 for count checks).</param>
/// <param name="Tolerance">The allowed difference.</param>
/// <param name="Passed">Whether it held.</param>
/// <param name="Detail">Extra facts (counts, reasons).</param>
public sealed record InvariantResult(int Seed, string Name, double MaxAbsDiff, double Tolerance, bool Passed, string Detail = "");
