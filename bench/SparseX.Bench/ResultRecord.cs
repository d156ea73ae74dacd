using System.Text.Json.Serialization;

namespace SparseX.Bench;

/// <summary>One measurement, in the schema of docs/results/gpu-ttft.json.</summary>
internal sealed record ResultRecord
{
    [JsonPropertyName("device")]
    public string Device { get; init; } = string.Empty;

    [JsonPropertyName("model_shape")]
    public string ModelShape { get; init; } = string.Empty;

    [JsonPropertyName("dtype")]
    public string Dtype { get; init; } = string.Empty;

    [JsonPropertyName("tokens")]
    public int Tokens { get; init; }

    [JsonPropertyName("mode")]
    public string Mode { get; init; } = string.Empty;

    [JsonPropertyName("selector")]
    public string? Selector { get; init; }

    [JsonPropertyName("budget")]
    public double? Budget { get; init; }

    [JsonPropertyName("full_layers")]
    public int? FullLayers { get; init; }

    [JsonPropertyName("selection_layer")]
    public int? SelectionLayer { get; init; }

    [JsonPropertyName("ttft_ms")]
    public double? TtftMs { get; init; }

    [JsonPropertyName("ttft_ms_runs")]
    public double[]? TtftMsRuns { get; init; }

    [JsonPropertyName("phases_ms")]
    public Dictionary<string, double>? PhasesMs { get; init; }

    [JsonPropertyName("prefix_hit_tokens")]
    public int? PrefixHitTokens { get; init; }

    [JsonPropertyName("reused_tokens")]
    public int? ReusedTokens { get; init; }

    [JsonPropertyName("recomputed_tokens")]
    public int? RecomputedTokens { get; init; }

    [JsonPropertyName("new_tokens")]
    public int? NewTokens { get; init; }

    [JsonPropertyName("concurrency")]
    public int? Concurrency { get; init; }

    [JsonPropertyName("decode_tokens_per_s")]
    public double? DecodeTokensPerSecond { get; init; }

    [JsonPropertyName("command")]
    public string? Command { get; init; }
}
