namespace SparseX.SemanticKernel;

/// <summary>A retrieved document, sent to the model as one <c>Document</c> segment.</summary>
/// <param name="Text">The document text, exactly as the model should see it (the same text reuses the same KV).</param>
/// <param name="Id">An optional id (reporting only; the cache key is the content).</param>
public sealed record SparseXDocument(string Text, string? Id = null);
