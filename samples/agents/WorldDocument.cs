namespace SparseX.Samples.Agents;

/// <summary>One document of the synthetic world.</summary>
/// <param name="Id">The id (also the title).</param>
/// <param name="Text">The text the model reads.</param>
internal sealed record WorldDocument(string Id, string Text);
