using SparseX.Engine.Reuse;

namespace SparseX.Engine.Runtime;

/// <summary>Settings of a <see cref="SparseXEngine"/>.</summary>
public sealed class EngineOptions
{
    /// <summary>Gets or sets the Hugging Face checkpoint directory (config.json, safetensors, tokenizer.json).</summary>
    public string ModelPath { get; set; } = string.Empty;

    /// <summary>Gets or sets the device: <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c>.</summary>
    public string Device { get; set; } = "cpu";

    /// <summary>Gets or sets the compute dtype: <c>float32</c>, <c>bfloat16</c> or <c>float16</c>; null = float32 on CPU, bfloat16 on CUDA.</summary>
    public string? Dtype { get; set; }

    /// <summary>Gets or sets the tokens per KV block.</summary>
    public int BlockSize { get; set; } = 16;

    /// <summary>Gets or sets the KV pool size in bytes.</summary>
    public long KvCacheBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Gets or sets the segment store budget in bytes.</summary>
    public long SegmentStoreBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Gets or sets the reuse policy of requests that do not give one.</summary>
    public ReusePolicy DefaultReuse { get; set; } = ReusePolicy.Default;

    /// <summary>Gets or sets a libtorch directory to load before TorchSharp (e.g. a PyTorch install's torch/lib for CUDA).</summary>
    public string? LibTorchDirectory { get; set; }

    /// <summary>Gets or sets the number of requests that may wait; further callers wait for room.</summary>
    public int MaxQueuedRequests { get; set; } = 256;

    /// <summary>Gets or sets the most sequences decoded together in one batched step.</summary>
    public int MaxConcurrentSequences { get; set; } = 32;

    /// <summary>Gets or sets the prompt tokens admitted (prefilled) between two decode steps; at least one request is always admitted.</summary>
    public int MaxPrefillTokensPerStep { get; set; } = 8192;

    /// <summary>Throws if a setting is invalid.</summary>
    /// <exception cref="ArgumentException">The message names the setting.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ModelPath))
        {
            throw new ArgumentException("EngineOptions.ModelPath must name a checkpoint directory.", nameof(ModelPath));
        }

        if (BlockSize is < 1 or > 1024)
        {
            throw new ArgumentException($"EngineOptions.BlockSize must be in [1, 1024] (got {BlockSize}).", nameof(BlockSize));
        }

        if (KvCacheBytes <= 0 || SegmentStoreBytes < 0)
        {
            throw new ArgumentException("EngineOptions.KvCacheBytes must be positive and SegmentStoreBytes non-negative.", nameof(KvCacheBytes));
        }

        if (MaxQueuedRequests < 1)
        {
            throw new ArgumentException($"EngineOptions.MaxQueuedRequests must be ≥ 1 (got {MaxQueuedRequests}).", nameof(MaxQueuedRequests));
        }

        if (MaxConcurrentSequences < 1 || MaxPrefillTokensPerStep < 1)
        {
            throw new ArgumentException("EngineOptions.MaxConcurrentSequences and MaxPrefillTokensPerStep must be ≥ 1.", nameof(MaxConcurrentSequences));
        }

        if (Dtype is not (null or "float32" or "bfloat16" or "float16"))
        {
            throw new ArgumentException($"EngineOptions.Dtype '{Dtype}' is not supported (float32, bfloat16, float16).", nameof(Dtype));
        }
    }
}
