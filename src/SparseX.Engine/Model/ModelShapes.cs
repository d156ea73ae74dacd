namespace SparseX.Engine.Model;

/// <summary>Well-known decoder shapes, for benchmarks with random weights (no download).</summary>
public static class ModelShapes
{
    /// <summary>Llama-3-8B: 32 layers, 4096 hidden, 32 query / 8 KV heads of 128, 14336 MLP, 128,256 vocab, llama3 RoPE.</summary>
    public static ModelConfig Llama3_8B { get; } = new()
    {
        Architecture = "LlamaForCausalLM",
        HiddenSize = 4096,
        IntermediateSize = 14336,
        NumLayers = 32,
        NumHeads = 32,
        NumKvHeads = 8,
        HeadDim = 128,
        VocabSize = 128256,
        RmsNormEps = 1e-5,
        Rope = new RopeScaling(RopeType.Llama3, 500000, Factor: 8, LowFreqFactor: 1, HighFreqFactor: 4, OriginalMaxPositionEmbeddings: 8192),
        MaxPositionEmbeddings = 131072,
    };

    /// <summary>Qwen2.5-7B: 28 layers, 3584 hidden, 28 query / 4 KV heads of 128, 18944 MLP, 152,064 vocab, q/k/v bias.</summary>
    public static ModelConfig Qwen25_7B { get; } = new()
    {
        Architecture = "Qwen2ForCausalLM",
        HiddenSize = 3584,
        IntermediateSize = 18944,
        NumLayers = 28,
        NumHeads = 28,
        NumKvHeads = 4,
        HeadDim = 128,
        VocabSize = 152064,
        RmsNormEps = 1e-6,
        Rope = new RopeScaling(RopeType.Default, 1000000),
        MaxPositionEmbeddings = 32768,
        QkvBias = true,
    };

    /// <summary>Looks a shape up by name (<c>llama3-8b</c>, <c>qwen2.5-7b</c>).</summary>
    /// <param name="name">The name.</param>
    /// <returns>The configuration.</returns>
    /// <exception cref="ArgumentException">Unknown name.</exception>
    public static ModelConfig ByName(string name) => name.ToLowerInvariant() switch
    {
        "llama3-8b" => Llama3_8B,
        "qwen2.5-7b" => Qwen25_7B,
        _ => throw new ArgumentException($"Unknown model shape '{name}' (known: llama3-8b, qwen2.5-7b).", nameof(name)),
    };
}
