using Microsoft.Extensions.AI;
using SparseX.Engine.Runtime;

namespace SparseX.SemanticKernel.Mapping;

/// <summary>
/// Maps <see cref="ChatOptions"/> to the engine's <see cref="GenerationOptions"/>. A <see cref="GenerationOptions"/>
/// returned by <see cref="ChatOptions.RawRepresentationFactory"/> is the starting point; chat options fill only the
/// fields it leaves at their defaults (the MEAI raw-representation idiom).
/// </summary>
internal static class GenerationOptionsMapper
{
    private static readonly GenerationOptions Defaults = new();

    /// <summary>Maps the options of one request.</summary>
    /// <exception cref="NotSupportedException">The options ask for something the engine cannot do (JSON response formats).</exception>
    public static GenerationOptions Map(ChatOptions? options, SparseXChatClientOptions clientOptions, IChatClient client)
    {
        if (options?.ResponseFormat is ChatResponseFormatJson)
        {
            throw new NotSupportedException(
                "SparseXChatClient does not support ChatOptions.ResponseFormat = Json or a JSON schema: the engine has no constrained decoding. " +
                "Leave ResponseFormat null (or Text) and ask for JSON in the prompt.");
        }

        GenerationOptions result = options?.RawRepresentationFactory?.Invoke(client) as GenerationOptions ?? new GenerationOptions();
        if (result.Temperature == Defaults.Temperature && options?.Temperature is float temperature)
        {
            result = result with { Temperature = temperature };
        }

        if (result.TopP == Defaults.TopP && options?.TopP is float topP)
        {
            result = result with { TopP = topP };
        }

        if (result.TopK == Defaults.TopK && options?.TopK is int topK)
        {
            result = result with { TopK = topK };
        }

        if (result.Seed is null && options?.Seed is long seed)
        {
            result = result with { Seed = seed is >= int.MinValue and <= int.MaxValue ? (int)seed : (int)(seed ^ (seed >>> 32)) };
        }

        if (result.MaxNewTokens == Defaults.MaxNewTokens && (options?.MaxOutputTokens ?? clientOptions.DefaultMaxOutputTokens) is int max)
        {
            result = result with { MaxNewTokens = max };
        }

        if (result.StopSequences.Count == 0 && options?.StopSequences is { Count: > 0 } stops)
        {
            result = result with { StopSequences = stops.ToArray() };
        }

        return result;
    }
}
