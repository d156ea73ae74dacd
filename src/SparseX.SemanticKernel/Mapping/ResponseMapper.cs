using Microsoft.Extensions.AI;
using SparseX.Engine.Reuse;
using SparseX.Engine.Runtime;

namespace SparseX.SemanticKernel.Mapping;

/// <summary>Maps the engine's finish reasons and reuse reports to MEAI's (DESIGN §6 "Usage").</summary>
internal static class ResponseMapper
{
    /// <summary>The MEAI finish reason.</summary>
    public static ChatFinishReason? FinishReason(FinishReason? reason) => reason switch
    {
        Engine.Runtime.FinishReason.EndOfSequence or Engine.Runtime.FinishReason.StopSequence => ChatFinishReason.Stop,
        Engine.Runtime.FinishReason.MaxTokens or Engine.Runtime.FinishReason.ContextFull => ChatFinishReason.Length,
        _ => null,
    };

    /// <summary>
    /// The usage of one request: input = prompt tokens; cached input = prefix-hit + reused tokens (a subset of input,
    /// OpenAI semantics); the engine's other counters in <see cref="UsageDetails.AdditionalCounts"/>.
    /// </summary>
    public static UsageDetails Usage(ReuseReport? report, int outputTokens)
    {
        var usage = new UsageDetails { OutputTokenCount = outputTokens };
        if (report is null)
        {
            return usage;
        }

        usage.InputTokenCount = report.TotalTokens;
        usage.TotalTokenCount = report.TotalTokens + outputTokens;
        usage.CachedInputTokenCount = report.PrefixHitTokens + report.ReusedTokens;
        usage.AdditionalCounts = new AdditionalPropertiesDictionary<long>
        {
            [SparseXPropertyKeys.PrefixHitTokens] = report.PrefixHitTokens,
            [SparseXPropertyKeys.ReusedTokens] = report.ReusedTokens,
            [SparseXPropertyKeys.RecomputedTokens] = report.RecomputedTokens,
            [SparseXPropertyKeys.NewTokens] = report.NewTokens,
            [SparseXPropertyKeys.SegmentsHit] = report.SegmentsHit,
            [SparseXPropertyKeys.SegmentsMissed] = report.SegmentsMissed,
        };
        return usage;
    }
}
