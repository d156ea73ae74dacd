using System.Text;
using SparseX.Engine.Reuse;

namespace SparseX.Engine.Runtime;

/// <summary>Gathers a stream of <see cref="GenerationUpdate"/>s into a <see cref="GenerationResult"/>.</summary>
public static class GenerationStreamExtensions
{
    /// <summary>Reads the stream to the end.</summary>
    /// <param name="updates">The updates of one generation.</param>
    /// <param name="cancellationToken">Cancels the reading.</param>
    /// <returns>The text, tokens, finish reason and report.</returns>
    public static async Task<GenerationResult> CollectAsync(this IAsyncEnumerable<GenerationUpdate> updates, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(updates);
        var text = new StringBuilder();
        var ids = new List<int>();
        GenerationUpdate? last = null;
        await foreach (GenerationUpdate update in updates.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            text.Append(update.Text);
            ids.AddRange(update.TokenIds);
            last = update;
        }

        return new GenerationResult(text.ToString(), ids, last?.FinishReason ?? FinishReason.MaxTokens, last?.Report ?? new ReuseReport());
    }
}
