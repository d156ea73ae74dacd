using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;

namespace SparseX.SemanticKernel;

/// <summary>
/// A Microsoft Agent Framework context provider that retrieves documents for the caller's input and adds them to the
/// request as one message per document, each tagged as a <c>Document</c> segment, so the engine reuses each
/// document's KV wherever it lands in later requests. Use it in <c>ChatClientAgentOptions.AIContextProviders</c>.
/// </summary>
public sealed class SparseXDocumentContextProvider : MessageAIContextProvider
{
    private readonly Func<string, CancellationToken, Task<IEnumerable<SparseXDocument>>> _searchAsync;

    /// <summary>Creates the provider.</summary>
    /// <param name="searchAsync">Retrieves documents for a query (the text of the caller's input messages).</param>
    public SparseXDocumentContextProvider(Func<string, CancellationToken, Task<IEnumerable<SparseXDocument>>> searchAsync)
        : base(null, null, null)
    {
        ArgumentNullException.ThrowIfNull(searchAsync);
        _searchAsync = searchAsync;
    }

    /// <inheritdoc />
    protected override async ValueTask<IEnumerable<ChatMessage>> ProvideMessagesAsync(InvokingContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        string query = string.Join("\n", context.RequestMessages
            .Where(m => m.Role == ChatRole.User && !string.IsNullOrWhiteSpace(m.Text))
            .Select(m => m.Text));
        if (query.Length == 0)
        {
            return [];
        }

        IEnumerable<SparseXDocument> documents = await _searchAsync(query, cancellationToken).ConfigureAwait(false);
        return (documents ?? []).Select(d => d.ToSparseXMessage()).ToList();
    }
}
