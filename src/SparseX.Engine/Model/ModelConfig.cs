using System.Text.Json;
using System.Text.Json.Nodes;

namespace SparseX.Engine.Model;

/// <summary>
/// The decoder shape read from a Hugging Face <c>config.json</c>. Supports Llama, Mistral, Qwen2 and
/// Qwen3 causal LMs; anything the engine cannot compute exactly is refused with a message naming the field.
/// </summary>
public sealed record ModelConfig
{
    /// <summary>Architectures the engine implements.</summary>
    public static readonly IReadOnlyList<string> SupportedArchitectures =
        new[] { "LlamaForCausalLM", "MistralForCausalLM", "Qwen2ForCausalLM", "Qwen3ForCausalLM" };

    /// <summary>Gets the architecture name, e.g. <c>LlamaForCausalLM</c>.</summary>
    public required string Architecture { get; init; }

    /// <summary>Gets the hidden size.</summary>
    public required int HiddenSize { get; init; }

    /// <summary>Gets the MLP intermediate size.</summary>
    public required int IntermediateSize { get; init; }

    /// <summary>Gets the number of decoder layers.</summary>
    public required int NumLayers { get; init; }

    /// <summary>Gets the number of query heads.</summary>
    public required int NumHeads { get; init; }

    /// <summary>Gets the number of key/value heads (GQA when smaller than <see cref="NumHeads"/>).</summary>
    public required int NumKvHeads { get; init; }

    /// <summary>Gets the per-head dimension.</summary>
    public required int HeadDim { get; init; }

    /// <summary>Gets the vocabulary size.</summary>
    public required int VocabSize { get; init; }

    /// <summary>Gets the RMSNorm epsilon.</summary>
    public required double RmsNormEps { get; init; }

    /// <summary>Gets the rotary embedding parameters.</summary>
    public required RopeScaling Rope { get; init; }

    /// <summary>Gets the maximum context length.</summary>
    public required int MaxPositionEmbeddings { get; init; }

    /// <summary>Gets a value indicating whether the LM head shares the embedding matrix.</summary>
    public bool TieWordEmbeddings { get; init; }

    /// <summary>Gets a value indicating whether q/k/v projections carry a bias (Qwen2, Llama attention_bias).</summary>
    public bool QkvBias { get; init; }

    /// <summary>Gets a value indicating whether the output projection carries a bias (Llama attention_bias).</summary>
    public bool OutputBias { get; init; }

    /// <summary>Gets a value indicating whether the MLP projections carry a bias (Llama mlp_bias).</summary>
    public bool MlpBias { get; init; }

    /// <summary>Gets a value indicating whether q/k are RMS-normalised per head before RoPE (Qwen3).</summary>
    public bool QkNorm { get; init; }

    /// <summary>Gets the dtype the weights were saved in (<c>float32</c>, <c>float16</c>, <c>bfloat16</c>), if stated.</summary>
    public string? StoredDtype { get; init; }

    /// <summary>Gets the end-of-sequence token ids from the config (may be empty).</summary>
    public IReadOnlyList<int> EosTokenIds { get; init; } = Array.Empty<int>();

    /// <summary>Gets the beginning-of-sequence token id, if any.</summary>
    public int? BosTokenId { get; init; }

    /// <summary>Reads and validates <c>config.json</c> from a checkpoint directory.</summary>
    /// <param name="checkpointDirectory">The directory.</param>
    /// <returns>The configuration.</returns>
    /// <exception cref="ModelLoadException">The file is missing, malformed or describes an unsupported model.</exception>
    public static ModelConfig Load(string checkpointDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(checkpointDirectory);
        if (!Directory.Exists(checkpointDirectory))
        {
            throw new ModelLoadException($"Checkpoint directory '{checkpointDirectory}' does not exist.");
        }

        string path = Path.Combine(checkpointDirectory, "config.json");
        if (!File.Exists(path))
        {
            throw new ModelLoadException($"'{path}' not found: a Hugging Face checkpoint directory needs config.json.");
        }

        JsonObject json;
        try
        {
            json = JsonNode.Parse(File.ReadAllText(path)) as JsonObject
                ?? throw new ModelLoadException($"'{path}' is not a JSON object.");
        }
        catch (JsonException ex)
        {
            throw new ModelLoadException($"'{path}' is not valid JSON: {ex.Message}", ex);
        }

        return Parse(json, path);
    }

    /// <summary>Parses a <c>config.json</c> object.</summary>
    /// <param name="json">The parsed JSON.</param>
    /// <param name="source">Where it came from, for error messages.</param>
    /// <returns>The configuration.</returns>
    /// <exception cref="ModelLoadException">The configuration describes an unsupported model.</exception>
    public static ModelConfig Parse(JsonObject json, string source = "config.json")
    {
        ArgumentNullException.ThrowIfNull(json);
        var reader = new ConfigReader(json, source);

        string architecture = reader.Architecture();
        if (!SupportedArchitectures.Contains(architecture))
        {
            throw new ModelLoadException(
                $"{source}: architecture '{architecture}' is not supported. Supported: {string.Join(", ", SupportedArchitectures)}.");
        }

        reader.RejectPresent("num_experts", "mixture-of-experts models are not supported");
        reader.RejectPresent("num_local_experts", "mixture-of-experts models are not supported");
        string act = reader.String("hidden_act") ?? reader.String("hidden_activation") ?? "silu";
        if (act != "silu")
        {
            throw new ModelLoadException($"{source}: hidden_act '{act}' is not supported (only 'silu').");
        }

        int hidden = reader.RequiredInt("hidden_size");
        int heads = reader.RequiredInt("num_attention_heads");
        int kvHeads = reader.Int("num_key_value_heads") ?? heads;
        int headDim = reader.Int("head_dim") ?? (hidden / heads);
        int maxPositions = reader.Int("max_position_embeddings") ?? 4096;
        if (heads <= 0 || kvHeads <= 0 || heads % kvHeads != 0)
        {
            throw new ModelLoadException($"{source}: num_attention_heads ({heads}) must be a positive multiple of num_key_value_heads ({kvHeads}).");
        }

        if (headDim <= 0 || headDim % 2 != 0)
        {
            throw new ModelLoadException($"{source}: head_dim ({headDim}) must be positive and even for RoPE.");
        }

        RejectSlidingWindow(reader, architecture, maxPositions, source);

        bool isQwen2 = architecture == "Qwen2ForCausalLM";
        bool attentionBias = reader.Bool("attention_bias") ?? false;
        return new ModelConfig
        {
            Architecture = architecture,
            HiddenSize = hidden,
            IntermediateSize = reader.RequiredInt("intermediate_size"),
            NumLayers = reader.RequiredInt("num_hidden_layers"),
            NumHeads = heads,
            NumKvHeads = kvHeads,
            HeadDim = headDim,
            VocabSize = reader.RequiredInt("vocab_size"),
            RmsNormEps = reader.Double("rms_norm_eps") ?? 1e-6,
            Rope = reader.Rope(),
            MaxPositionEmbeddings = maxPositions,
            TieWordEmbeddings = reader.Bool("tie_word_embeddings") ?? false,
            QkvBias = isQwen2 || attentionBias,
            OutputBias = !isQwen2 && architecture != "Qwen3ForCausalLM" && attentionBias,
            MlpBias = reader.Bool("mlp_bias") ?? false,
            QkNorm = architecture == "Qwen3ForCausalLM",
            StoredDtype = reader.String("torch_dtype") ?? reader.String("dtype"),
            EosTokenIds = reader.IntList("eos_token_id"),
            BosTokenId = reader.Int("bos_token_id"),
        };
    }

    private static void RejectSlidingWindow(ConfigReader reader, string architecture, int maxPositions, string source)
    {
        // Qwen2/3 only use the window when use_sliding_window is true; Mistral uses it whenever set.
        bool? useSliding = reader.Bool("use_sliding_window");
        int? window = reader.Int("sliding_window");
        bool active = architecture is "Qwen2ForCausalLM" or "Qwen3ForCausalLM"
            ? useSliding == true
            : window is not null && window < maxPositions;
        if (active)
        {
            throw new ModelLoadException(
                $"{source}: sliding_window attention ({window}) is not supported; only full causal attention is (set sliding_window to null or use_sliding_window to false).");
        }

        if (reader.Json["layer_types"] is JsonArray layerTypes
            && layerTypes.Any(t => t?.GetValue<string>() is { } s && s != "full_attention"))
        {
            throw new ModelLoadException($"{source}: layer_types other than 'full_attention' are not supported.");
        }
    }

    /// <summary>Typed access to config fields with error messages that name the field.</summary>
    private sealed class ConfigReader(JsonObject json, string source)
    {
        public JsonObject Json => json;

        public string Architecture()
        {
            if (json["architectures"] is JsonArray { Count: > 0 } arr && arr[0]?.GetValue<string>() is { } name)
            {
                return name;
            }

            string? modelType = String("model_type");
            return modelType switch
            {
                "llama" => "LlamaForCausalLM",
                "mistral" => "MistralForCausalLM",
                "qwen2" => "Qwen2ForCausalLM",
                "qwen3" => "Qwen3ForCausalLM",
                null => throw new ModelLoadException($"{source}: neither 'architectures' nor 'model_type' is set."),
                _ => throw new ModelLoadException(
                    $"{source}: model_type '{modelType}' is not supported. Supported: {string.Join(", ", SupportedArchitectures)}."),
            };
        }

        public void RejectPresent(string field, string why)
        {
            if (json[field] is JsonValue v && v.TryGetValue(out int n) && n > 0)
            {
                throw new ModelLoadException($"{source}: '{field}' = {n}: {why}.");
            }
        }

        public string? String(string field) => json[field] is JsonValue v && v.TryGetValue(out string? s) ? s : null;

        public bool? Bool(string field) => json[field] is JsonValue v && v.TryGetValue(out bool b) ? b : null;

        public int? Int(string field) => Int(json, field);

        public double? Double(string field) => Double(json, field);

        public int RequiredInt(string field) =>
            Int(field) is { } n && n > 0 ? n : throw new ModelLoadException($"{source}: required field '{field}' is missing or not a positive integer.");

        public IReadOnlyList<int> IntList(string field) => json[field] switch
        {
            JsonArray arr => arr.Select(n => n!.GetValue<int>()).ToArray(),
            JsonValue v when v.TryGetValue(out int one) => new[] { one },
            _ => Array.Empty<int>(),
        };

        public RopeScaling Rope()
        {
            // Newer transformers write rope_parameters {rope_type, rope_theta, ...}; older ones write
            // rope_theta at the top and rope_scaling {rope_type|type, factor, ...} (or null).
            JsonObject? parameters = json["rope_parameters"] as JsonObject;
            if (parameters is not null && parameters["rope_theta"] is null && parameters["rope_type"] is null
                && parameters.FirstOrDefault().Value is JsonObject)
            {
                throw new ModelLoadException($"{source}: per-layer-type rope_parameters are not supported.");
            }

            JsonObject? scaling = json["rope_scaling"] as JsonObject ?? parameters;
            double theta = Double(json, "rope_theta") ?? (parameters is null ? null : Double(parameters, "rope_theta")) ?? 10000.0;
            string type = "default";
            if (scaling is not null)
            {
                type = (scaling["rope_type"] ?? scaling["type"])?.GetValue<string>() ?? "default";
                if (Double(scaling, "partial_rotary_factor") is { } partial && partial != 1.0)
                {
                    throw new ModelLoadException($"{source}: partial_rotary_factor {partial} is not supported.");
                }
            }

            if (Double(json, "partial_rotary_factor") is { } p && p != 1.0)
            {
                throw new ModelLoadException($"{source}: partial_rotary_factor {p} is not supported.");
            }

            string field = json["rope_scaling"] is JsonObject ? "rope_scaling" : "rope_parameters";
            double Factor() => Double(scaling!, "factor")
                ?? throw new ModelLoadException($"{source}: {field}.factor is required for rope_type '{type}'.");

            return type switch
            {
                "default" => new RopeScaling(RopeType.Default, theta),
                "linear" => new RopeScaling(RopeType.Linear, theta, Factor()),
                "llama3" => new RopeScaling(
                    RopeType.Llama3,
                    theta,
                    Factor(),
                    Double(scaling!, "low_freq_factor") ?? 1.0,
                    Double(scaling!, "high_freq_factor") ?? 4.0,
                    Int(scaling!, "original_max_position_embeddings")
                        ?? throw new ModelLoadException($"{source}: {field}.original_max_position_embeddings is required for llama3 RoPE.")),
                _ => throw new ModelLoadException(
                    $"{source}: {field} type '{type}' is not supported (supported: default, linear, llama3; not yarn, dynamic, longrope)."),
            };
        }

        private static int? Int(JsonObject obj, string field) =>
            obj[field] is JsonValue v && (v.TryGetValue(out int n) || (v.TryGetValue(out double d) && d == Math.Floor(d) && (n = (int)d) == d)) ? n : null;

        private static double? Double(JsonObject obj, string field) =>
            obj[field] is JsonValue v && v.TryGetValue(out double d) ? d : null;
    }
}
