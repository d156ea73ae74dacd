using System.Text.Json.Nodes;

namespace SparseX.Train.Training;

/// <summary>The shape of the trained Llama decoder (exported as a Hugging Face <c>LlamaForCausalLM</c> config).</summary>
public sealed record TrainModelConfig
{
    /// <summary>Gets the vocabulary size.</summary>
    public required int VocabSize { get; init; }

    /// <summary>Gets the hidden size.</summary>
    public int HiddenSize { get; init; } = 256;

    /// <summary>Gets the number of layers.</summary>
    public int NumLayers { get; init; } = 6;

    /// <summary>Gets the number of query heads.</summary>
    public int NumHeads { get; init; } = 8;

    /// <summary>Gets the number of key/value heads.</summary>
    public int NumKvHeads { get; init; } = 2;

    /// <summary>Gets the MLP width.</summary>
    public int IntermediateSize { get; init; } = 1024;

    /// <summary>Gets the longest context.</summary>
    public int MaxPositions { get; init; } = 1024;

    /// <summary>Gets the rotary base.</summary>
    public double RopeTheta { get; init; } = 10000.0;

    /// <summary>Gets the RMSNorm epsilon.</summary>
    public double RmsNormEps { get; init; } = 1e-5;

    /// <summary>Gets the head dimension.</summary>
    public int HeadDim => HiddenSize / NumHeads;

    /// <summary>The demo model's shape (about 7M parameters with a ~2.5K vocabulary).</summary>
    /// <param name="vocabSize">The vocabulary size.</param>
    /// <returns>The shape.</returns>
    public static TrainModelConfig Demo(int vocabSize) => new() { VocabSize = vocabSize };

    /// <summary>A small shape for CPU experiments (hidden 128, 4 layers).</summary>
    /// <param name="vocabSize">The vocabulary size.</param>
    /// <returns>The shape.</returns>
    public static TrainModelConfig Small(int vocabSize) => new()
    {
        VocabSize = vocabSize, HiddenSize = 128, NumLayers = 4, NumHeads = 4, NumKvHeads = 2, IntermediateSize = 512,
    };

    /// <summary>A tiny shape for CPU tests.</summary>
    /// <param name="vocabSize">The vocabulary size.</param>
    /// <returns>The shape.</returns>
    public static TrainModelConfig Tiny(int vocabSize) => new()
    {
        VocabSize = vocabSize, HiddenSize = 64, NumLayers = 2, NumHeads = 4, NumKvHeads = 2, IntermediateSize = 128,
    };

    /// <summary>The Hugging Face <c>config.json</c>.</summary>
    /// <param name="eosTokenId">The EOS id.</param>
    /// <param name="padTokenId">The pad id.</param>
    /// <returns>The JSON.</returns>
    public JsonObject ToHfConfig(int eosTokenId, int padTokenId) => new()
    {
        ["architectures"] = new JsonArray("LlamaForCausalLM"),
        ["attention_bias"] = false,
        ["attention_dropout"] = 0.0,
        ["bos_token_id"] = null,
        ["eos_token_id"] = eosTokenId,
        ["pad_token_id"] = padTokenId,
        ["head_dim"] = HeadDim,
        ["hidden_act"] = "silu",
        ["hidden_size"] = HiddenSize,
        ["initializer_range"] = 0.02,
        ["intermediate_size"] = IntermediateSize,
        ["max_position_embeddings"] = MaxPositions,
        ["mlp_bias"] = false,
        ["model_type"] = "llama",
        ["num_attention_heads"] = NumHeads,
        ["num_hidden_layers"] = NumLayers,
        ["num_key_value_heads"] = NumKvHeads,
        ["pretraining_tp"] = 1,
        ["rms_norm_eps"] = RmsNormEps,
        ["rope_theta"] = RopeTheta,
        ["tie_word_embeddings"] = false,
        ["torch_dtype"] = "bfloat16",
        ["use_cache"] = true,
        ["vocab_size"] = VocabSize,
    };

    /// <summary>Reads the shape back from a <c>config.json</c>.</summary>
    /// <param name="json">The config.</param>
    /// <returns>The shape.</returns>
    public static TrainModelConfig FromHfConfig(JsonObject json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return new()
        {
            VocabSize = (int)json["vocab_size"]!,
            HiddenSize = (int)json["hidden_size"]!,
            NumLayers = (int)json["num_hidden_layers"]!,
            NumHeads = (int)json["num_attention_heads"]!,
            NumKvHeads = (int)json["num_key_value_heads"]!,
            IntermediateSize = (int)json["intermediate_size"]!,
            MaxPositions = (int)json["max_position_embeddings"]!,
            RopeTheta = (double)json["rope_theta"]!,
            RmsNormEps = (double)json["rms_norm_eps"]!,
        };
    }
}
