using static TorchSharp.torch;

namespace SparseX.Engine.Model;

/// <summary>The tensors of one decoder layer (Llama/Mistral/Qwen2/Qwen3 naming).</summary>
internal sealed class LayerWeights : IDisposable
{
    public required Tensor InputNorm { get; init; }

    public required Tensor QProj { get; init; }

    public required Tensor KProj { get; init; }

    public required Tensor VProj { get; init; }

    public required Tensor OProj { get; init; }

    public Tensor? QBias { get; init; }

    public Tensor? KBias { get; init; }

    public Tensor? VBias { get; init; }

    public Tensor? OBias { get; init; }

    public Tensor? QNorm { get; init; }

    public Tensor? KNorm { get; init; }

    public required Tensor PostAttentionNorm { get; init; }

    public required Tensor GateProj { get; init; }

    public required Tensor UpProj { get; init; }

    public required Tensor DownProj { get; init; }

    public Tensor? GateBias { get; init; }

    public Tensor? UpBias { get; init; }

    public Tensor? DownBias { get; init; }

    public static LayerWeights Load(CheckpointReader ckpt, ModelConfig c, int layer, ScalarType dtype, Device device)
    {
        string p = $"model.layers.{layer}.";
        long h = c.HiddenSize, qDim = (long)c.NumHeads * c.HeadDim, kvDim = (long)c.NumKvHeads * c.HeadDim, f = c.IntermediateSize;
        Tensor Load(string name, params long[] shape) => ckpt.Load(p + name, shape, dtype, device);
        Tensor? Optional(bool present, string name, params long[] shape) => present ? Load(name, shape) : null;

        return new LayerWeights
        {
            InputNorm = Load("input_layernorm.weight", h),
            QProj = Load("self_attn.q_proj.weight", qDim, h),
            KProj = Load("self_attn.k_proj.weight", kvDim, h),
            VProj = Load("self_attn.v_proj.weight", kvDim, h),
            OProj = Load("self_attn.o_proj.weight", h, qDim),
            QBias = Optional(c.QkvBias, "self_attn.q_proj.bias", qDim),
            KBias = Optional(c.QkvBias, "self_attn.k_proj.bias", kvDim),
            VBias = Optional(c.QkvBias, "self_attn.v_proj.bias", kvDim),
            OBias = Optional(c.OutputBias, "self_attn.o_proj.bias", h),
            QNorm = Optional(c.QkNorm, "self_attn.q_norm.weight", c.HeadDim),
            KNorm = Optional(c.QkNorm, "self_attn.k_norm.weight", c.HeadDim),
            PostAttentionNorm = Load("post_attention_layernorm.weight", h),
            GateProj = Load("mlp.gate_proj.weight", f, h),
            UpProj = Load("mlp.up_proj.weight", f, h),
            DownProj = Load("mlp.down_proj.weight", h, f),
            GateBias = Optional(c.MlpBias, "mlp.gate_proj.bias", f),
            UpBias = Optional(c.MlpBias, "mlp.up_proj.bias", f),
            DownBias = Optional(c.MlpBias, "mlp.down_proj.bias", h),
        };
    }

    public void Dispose()
    {
        foreach (Tensor? t in new[] { InputNorm, QProj, KProj, VProj, OProj, QBias, KBias, VBias, OBias, QNorm, KNorm, PostAttentionNorm, GateProj, UpProj, DownProj, GateBias, UpBias, DownBias })
        {
            t?.Dispose();
        }
    }
}
