using SparseX.Engine.Reuse;
using SparseX.Engine.Runtime;

namespace SparseX.Hosting;

/// <summary>
/// What callers use to reach the hosted SparseX engine: requests pass the host's admission (backpressure),
/// are measured (meter <c>SparseX</c>) and fail with clear exceptions when the engine is not serving.
/// </summary>
public interface ISparseXEngineClient
{
    /// <summary>Gets the host's state.</summary>
    SparseXEngineState State { get; }

    /// <summary>Gets a snapshot of the engine's resources, or null while no model is loaded.</summary>
    EngineStats? Stats { get; }

    /// <summary>Streams a generation.</summary>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">Cancels the request (also while it waits for a slot).</param>
    /// <returns>The updates; the last carries the finish reason and the reuse report.</returns>
    /// <exception cref="SparseXQueueFullException">All slots are taken and the host fails fast.</exception>
    /// <exception cref="SparseXEngineUnavailableException">The engine is not running, or faulted during the request.</exception>
    /// <exception cref="ArgumentException">The request is invalid (only this request fails).</exception>
    IAsyncEnumerable<GenerationUpdate> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken = default);

    /// <summary>Runs a generation to the end.</summary>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The text, tokens, finish reason and reuse report.</returns>
    Task<GenerationResult> GenerateTextAsync(GenerationRequest request, CancellationToken cancellationToken = default);

    /// <summary>Computes and stores a segment's KV ahead of use.</summary>
    /// <param name="segment">A segment span (<see cref="PromptSpan.Segment(SegmentKind, string, string?)"/>).</param>
    /// <param name="ns">The namespace (tenant).</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>True if the segment was newly stored.</returns>
    Task<bool> WarmAsync(PromptSpan segment, string ns = "default", CancellationToken cancellationToken = default);
}
