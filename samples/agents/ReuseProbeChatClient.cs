using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using SparseX.Engine.Reuse;
using SparseX.SemanticKernel;

namespace SparseX.Samples.Agents;

/// <summary>
/// Sits under one agent (below function invocation, so it sees every model call): sends each call with the agent's
/// options (the sample's reuse policy), then re-sends the same messages with <see cref="ReuseMode.FullPrefill"/>, and
/// logs both answers, the reuse counters and both times to first token. The agent gets the first response.
/// </summary>
internal sealed class ReuseProbeChatClient(IChatClient inner, string agent, CallLog log) : DelegatingChatClient(inner)
{
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        List<ChatMessage> sent = [.. messages];
        ChatResponse response = await base.GetResponseAsync(sent, options, cancellationToken).ConfigureAwait(false);

        ChatOptions full = (options?.Clone() ?? new ChatOptions()).WithSparseXReuse(ReusePolicy.Default with { Mode = ReuseMode.FullPrefill });
        ChatResponse reference = await base.GetResponseAsync(sent, full, cancellationToken).ConfigureAwait(false);

        AdditionalPropertiesDictionary<long> counts = response.Usage?.AdditionalCounts ?? [];
        log.Add(new CallRecord
        {
            Turn = log.Turn,
            Agent = agent,
            Answer = Describe(response),
            PromptTokens = (int)(response.Usage?.InputTokenCount ?? 0),
            PrefixHitTokens = counts.GetValueOrDefault(SparseXPropertyKeys.PrefixHitTokens),
            ReusedTokens = counts.GetValueOrDefault(SparseXPropertyKeys.ReusedTokens),
            RecomputedTokens = counts.GetValueOrDefault(SparseXPropertyKeys.RecomputedTokens),
            NewTokens = counts.GetValueOrDefault(SparseXPropertyKeys.NewTokens),
            SegmentsHit = counts.GetValueOrDefault(SparseXPropertyKeys.SegmentsHit),
            SegmentsMissed = counts.GetValueOrDefault(SparseXPropertyKeys.SegmentsMissed),
            TimeToFirstToken = Ttft(response),
            FullPrefillAnswer = Describe(reference),
            FullPrefillTimeToFirstToken = Ttft(reference),
            ToolCalls = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().Count(),
        });
        return response;
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ChatResponse response = await GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        foreach (ChatResponseUpdate update in response.ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    private static TimeSpan Ttft(ChatResponse response) =>
        response.AdditionalProperties?.TryGetValue(SparseXPropertyKeys.TimeToFirstToken, out object? value) == true && value is TimeSpan t ? t : TimeSpan.Zero;

    private static string Describe(ChatResponse response)
    {
        string calls = string.Join(" ", response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().Select(c => $"[calls {c.Name}]"));
        return (calls + " " + response.Text).ReplaceLineEndings(" ").Trim();
    }
}
