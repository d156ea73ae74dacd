using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using SparseX.Engine.Runtime;
using SparseX.SemanticKernel.Mapping;
using SparseX.SemanticKernel.Prompting;
using SparseX.SemanticKernel.ToolCalls;

namespace SparseX.SemanticKernel;

/// <summary>
/// An <see cref="IChatClient"/> over a SparseX engine (DESIGN §6). Messages are rendered with the model's own chat
/// template and sent as tagged segments — instructions and system messages, documents, tool outputs and earlier turns
/// — so the engine reuses their KV wherever they appear; the question is plain text. Streaming-first and stateless
/// (no <c>ConversationId</c>: under <c>UseFunctionInvocation</c> the whole history is resent and the engine finds the
/// shared segments by content). Tool calls in the model's own format become complete <see cref="FunctionCallContent"/>s;
/// for a template that renders message content only, earlier calls are written back into the content in that format.
/// A function result made of several text contents is rendered as one tool message (one segment) per content.
/// Thread-safe: one instance may serve concurrent requests.
/// </summary>
public sealed class SparseXChatClient : IChatClient
{
    /// <summary>The provider name in <see cref="ChatClientMetadata"/>.</summary>
    public const string ProviderName = "sparsex";

    private readonly ISparseXGenerator _generator;
    private readonly SparseXChatClientOptions _options;
    private readonly IReadOnlyDictionary<string, object?> _templateVariables;
    private readonly bool _ownsGenerator;
    private readonly Lazy<SparseXToolCallFormat?> _inlineToolCalls;

    /// <summary>Creates a client.</summary>
    /// <param name="generator">The engine.</param>
    /// <param name="options">Settings; defaults if null.</param>
    /// <param name="ownsGenerator">Whether <see cref="Dispose"/> disposes the generator (if it is disposable).</param>
    public SparseXChatClient(ISparseXGenerator generator, SparseXChatClientOptions? options = null, bool ownsGenerator = false)
    {
        ArgumentNullException.ThrowIfNull(generator);
        _generator = generator;
        _options = options ?? new SparseXChatClientOptions();
        _templateVariables = new Dictionary<string, object?>(_options.TemplateVariables, StringComparer.Ordinal);
        _ownsGenerator = ownsGenerator;
        _inlineToolCalls = new(() => ToolCallRendering.InlineFormat(generator.ChatTemplate, _options.ToolCallFormat));
        Metadata = new ChatClientMetadata(ProviderName, defaultModelId: generator.ModelId);
    }

    /// <summary>Gets the client's metadata: provider "sparsex" and the model id.</summary>
    public ChatClientMetadata Metadata { get; }

    /// <inheritdoc />
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ChatResponse response = await GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken).ConfigureAwait(false);

        // Per-response values travel on the last update; coalescing puts them on the message, they belong on the response.
        foreach (ChatMessage message in response.Messages)
        {
            if (message.AdditionalProperties?.TryGetValue(SparseXPropertyKeys.TimeToFirstToken, out object? ttft) == true)
            {
                (response.AdditionalProperties ??= [])[SparseXPropertyKeys.TimeToFirstToken] = ttft;
                message.AdditionalProperties.Remove(SparseXPropertyKeys.TimeToFirstToken);
                if (message.AdditionalProperties.Count == 0)
                {
                    message.AdditionalProperties = null;
                }
            }
        }

        return response;
    }

    /// <inheritdoc />
    /// <exception cref="NotSupportedException">A JSON response format, non-text content, or a non-function tool.</exception>
    /// <exception cref="ArgumentException">An option is out of range (e.g. <c>TopP</c> = 0); the message names it.</exception>
    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        GenerationOptions generation = GenerationOptionsMapper.Map(options, _options, this);
        generation.Validate();
        PromptLayout prompt = PromptBuilder.Build(messages, options, _generator.ChatTemplate, _templateVariables, _inlineToolCalls.Value);
        var request = new GenerationRequest
        {
            Spans = prompt.Spans,
            Options = generation,
            Reuse = options.GetSparseXReuse() ?? _options.DefaultReuse,
        };
        ToolCallParser? parser = prompt.ToolsOffered ? ToolCallParser.Create(_options.ToolCallFormat, _generator.ChatTemplate) : null;
        return StreamAsync(request, parser, options?.AllowMultipleToolCalls != false, cancellationToken);
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(ChatClientMetadata))
        {
            return Metadata;
        }

        if (serviceType.IsInstanceOfType(this))
        {
            return this;
        }

        return _generator.GetService(serviceType) ?? (serviceType.IsInstanceOfType(_generator.ChatTemplate) ? _generator.ChatTemplate : null);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsGenerator && _generator is IDisposable disposable)
        {
            disposable.Dispose();
        }
    }

    private async IAsyncEnumerable<ChatResponseUpdate> StreamAsync(
        GenerationRequest request, ToolCallParser? parser, bool allowMultipleCalls, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string responseId = Guid.NewGuid().ToString("N");
        string messageId = Guid.NewGuid().ToString("N");
        DateTimeOffset createdAt = DateTimeOffset.UtcNow;
        var ready = new List<AIContent>();
        GenerationUpdate? last = null;
        int outputTokens = 0;
        bool calledTools = false;

        // One update per ready content; with AllowMultipleToolCalls = false only the first call is kept.
        List<ChatResponseUpdate> Drain()
        {
            var updates = new List<ChatResponseUpdate>(ready.Count);
            foreach (AIContent content in ready)
            {
                if (content is FunctionCallContent)
                {
                    if (calledTools && !allowMultipleCalls)
                    {
                        continue;
                    }

                    calledTools = true;
                }

                updates.Add(Update([content]));
            }

            ready.Clear();
            return updates;
        }

        ChatResponseUpdate Update(IList<AIContent> contents) => new(ChatRole.Assistant, contents)
        {
            ResponseId = responseId,
            MessageId = messageId,
            CreatedAt = createdAt,
            ModelId = _generator.ModelId,
        };

        await foreach (GenerationUpdate update in _generator.GenerateAsync(request, cancellationToken).WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            outputTokens += update.TokenIds.Count;
            if (parser is not null)
            {
                parser.Push(update.Text, ready);
            }
            else if (update.Text.Length > 0)
            {
                ready.Add(new TextContent(update.Text));
            }

            if (update.FinishReason is not null)
            {
                last = update;
                parser?.Flush(ready);
            }

            foreach (ChatResponseUpdate next in Drain())
            {
                yield return next;
            }
        }

        if (last is null && parser is not null)
        {
            // The stream ended without a final update: whatever the parser holds is still part of the reply.
            parser.Flush(ready);
            foreach (ChatResponseUpdate next in Drain())
            {
                yield return next;
            }
        }

        ChatResponseUpdate final = Update([new UsageContent(ResponseMapper.Usage(last?.Report, outputTokens))]);
        final.FinishReason = calledTools ? ChatFinishReason.ToolCalls : ResponseMapper.FinishReason(last?.FinishReason);
        final.RawRepresentation = last?.Report;
        if (last?.Report is { } report)
        {
            final.AdditionalProperties = new() { [SparseXPropertyKeys.TimeToFirstToken] = report.TimeToFirstToken };
        }

        yield return final;
    }
}
