using System.Text.Json.Nodes;
using SparseX.Engine.Model;
using SparseX.Train.Export;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace SparseX.Train.Training;

/// <summary>
/// A trainable Llama decoder whose parameters carry the Hugging Face <c>LlamaForCausalLM</c> names
/// (<c>model.layers.0.self_attn.q_proj.weight</c>, …), so export is a direct write. Parameters are fp32; the
/// forward pass runs in a chosen compute dtype (bf16 on GPU), norms and the loss in fp32, as transformers does.
/// </summary>
public sealed class LlamaTrainModel : IDisposable
{
    // Long-lived Scalars for the hot path, and explicit alpha on add (TorchSharp's add(x) makes a temporary alpha = 1):
    // TorchSharp passes Scalars to native code by raw handle, and a GC on another thread can finalize a temporary
    // while the call still uses it ("Unknown scalar type" / "toFloat" crashes on the GPU and in CI).
    private static readonly Scalar One = 1.ToScalar(), Two = 2.ToScalar();
    private readonly Dictionary<string, Tensor> _params;
    private readonly Scalar _eps;

    private LlamaTrainModel(TrainModelConfig config, Dictionary<string, Tensor> parameters, Device device)
    {
        Config = config;
        _params = parameters;
        _eps = config.RmsNormEps.ToScalar();
        Device = device;
    }

    /// <summary>Gets the shape.</summary>
    public TrainModelConfig Config { get; }

    /// <summary>Gets the device.</summary>
    public Device Device { get; }

    /// <summary>Gets the parameters by Hugging Face name, in export order.</summary>
    public IReadOnlyDictionary<string, Tensor> Parameters => _params;

    /// <summary>Gets the number of parameters.</summary>
    public long ParameterCount => _params.Values.Sum(p => p.numel());

    /// <summary>The Hugging Face names and shapes of a configuration's parameters.</summary>
    /// <param name="c">The shape.</param>
    /// <returns>Name, shape pairs in export order.</returns>
    public static IEnumerable<(string Name, long[] Shape)> Shapes(TrainModelConfig c)
    {
        ArgumentNullException.ThrowIfNull(c);
        long h = c.HiddenSize, q = (long)c.NumHeads * c.HeadDim, kv = (long)c.NumKvHeads * c.HeadDim, f = c.IntermediateSize;
        yield return ("model.embed_tokens.weight", [c.VocabSize, h]);
        for (int l = 0; l < c.NumLayers; l++)
        {
            string p = $"model.layers.{l}.";
            yield return (p + "input_layernorm.weight", [h]);
            yield return (p + "self_attn.q_proj.weight", [q, h]);
            yield return (p + "self_attn.k_proj.weight", [kv, h]);
            yield return (p + "self_attn.v_proj.weight", [kv, h]);
            yield return (p + "self_attn.o_proj.weight", [h, q]);
            yield return (p + "post_attention_layernorm.weight", [h]);
            yield return (p + "mlp.gate_proj.weight", [f, h]);
            yield return (p + "mlp.up_proj.weight", [f, h]);
            yield return (p + "mlp.down_proj.weight", [h, f]);
        }

        yield return ("model.norm.weight", [h]);
        yield return ("lm_head.weight", [c.VocabSize, h]);
    }

    /// <summary>Creates a randomly initialised model (normal 0.02; residual outputs scaled by 1/√(2·layers)).</summary>
    /// <param name="config">The shape.</param>
    /// <param name="device">The device.</param>
    /// <param name="seed">The seed.</param>
    /// <returns>The model.</returns>
    public static LlamaTrainModel Create(TrainModelConfig config, Device device, long seed)
    {
        ArgumentNullException.ThrowIfNull(config);
        SparseX.Engine.Runtime.TorchRuntime.Initialize();
        var gen = new Generator((ulong)seed);
        var ps = new Dictionary<string, Tensor>();
        double residual = 0.02 / Math.Sqrt(2.0 * config.NumLayers);
        foreach (var (name, shape) in Shapes(config))
        {
            Tensor t = name.EndsWith("norm.weight", StringComparison.Ordinal)
                ? ones(shape)
                : normal(0, name.EndsWith("o_proj.weight", StringComparison.Ordinal) || name.EndsWith("down_proj.weight", StringComparison.Ordinal) ? residual : 0.02, shape, generator: gen);
            ps[name] = t.to(device).requires_grad_(true).DetachFromDisposeScope();
        }

        return new LlamaTrainModel(config, ps, device);
    }

    /// <summary>Loads a model from named fp32-convertible tensors (a checkpoint or an export).</summary>
    /// <param name="config">The shape.</param>
    /// <param name="file">The safetensors file with every parameter.</param>
    /// <param name="device">The device.</param>
    /// <returns>The model.</returns>
    public static LlamaTrainModel Load(TrainModelConfig config, SafetensorsFile file, Device device)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(file);
        SparseX.Engine.Runtime.TorchRuntime.Initialize();
        var ps = new Dictionary<string, Tensor>();
        foreach (var (name, shape) in Shapes(config))
        {
            using Tensor raw = file.Read(name);
            if (!raw.shape.SequenceEqual(shape))
            {
                throw new InvalidDataException($"{name}: shape [{string.Join(", ", raw.shape)}], expected [{string.Join(", ", shape)}].");
            }

            ps[name] = raw.to(ScalarType.Float32).to(device).requires_grad_(true).DetachFromDisposeScope();
        }

        return new LlamaTrainModel(config, ps, device);
    }

    /// <summary>Loads an exported Hugging Face directory (config.json + model.safetensors).</summary>
    /// <param name="directory">The directory.</param>
    /// <param name="device">The device.</param>
    /// <returns>The model with fp32 parameters.</returns>
    public static LlamaTrainModel LoadExport(string directory, Device device)
    {
        var config = TrainModelConfig.FromHfConfig(JsonNode.Parse(File.ReadAllText(Path.Combine(directory, "config.json")))!.AsObject());
        using SafetensorsFile file = SafetensorsFile.Open(Path.Combine(directory, "model.safetensors"));
        return Load(config, file, device);
    }

    /// <summary>
    /// Block expansion (the LLaMA Pro recipe): a deeper model that computes the same function as this one. The layers
    /// are split into <paramref name="added"/> consecutive groups and a new layer follows each group, a copy of the layer
    /// before it with its two residual outputs (<c>o_proj</c>, <c>down_proj</c>) zeroed, so the new layer adds nothing to
    /// the residual stream until training moves those outputs. This model is left unchanged.
    /// </summary>
    /// <param name="added">The number of layers to add (1 or more).</param>
    /// <returns>The deeper model, on the same device.</returns>
    public LlamaTrainModel Expand(int added)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(added, 1);
        int n = Config.NumLayers;
        var sources = new List<(int From, bool Fresh)>();
        for (int l = 0, group = 0; l < n; l++)
        {
            sources.Add((l, false));
            // Group g ends at layer ⌈(g + 1)·n / added⌉ − 1; with more added layers than layers a layer ends several groups.
            while (group < added && (((long)(group + 1) * n) + added - 1) / added - 1 == l)
            {
                sources.Add((l, true));
                group++;
            }
        }

        var config = Config with { NumLayers = n + added };
        var ps = new Dictionary<string, Tensor>();
        using (no_grad())
        {
            foreach (var (name, _) in Shapes(config))
            {
                string source = name;
                bool zero = false;
                if (name.StartsWith("model.layers.", StringComparison.Ordinal))
                {
                    int dot = name.IndexOf('.', "model.layers.".Length);
                    var (from, fresh) = sources[int.Parse(name["model.layers.".Length..dot], System.Globalization.CultureInfo.InvariantCulture)];
                    source = $"model.layers.{from}{name[dot..]}";
                    zero = fresh && (name.EndsWith("o_proj.weight", StringComparison.Ordinal) || name.EndsWith("down_proj.weight", StringComparison.Ordinal));
                }

                Tensor copy = zero ? zeros_like(_params[source]) : _params[source].detach().clone();
                ps[name] = copy.requires_grad_(true).DetachFromDisposeScope();
            }
        }

        return new LlamaTrainModel(config, ps, Device);
    }

    /// <summary>Computes logits.</summary>
    /// <param name="ids">Token ids [B, T] (int64).</param>
    /// <param name="compute">Compute dtype (Float32 or BFloat16).</param>
    /// <param name="probe">Records one position's attention weights in every layer (batch row 0), or null.</param>
    /// <returns>Logits [B, T, V] in fp32.</returns>
    public Tensor Forward(Tensor ids, ScalarType compute = ScalarType.Float32, AttentionProbe? probe = null)
    {
        ArgumentNullException.ThrowIfNull(ids);
        TrainModelConfig c = Config;
        long b = ids.shape[0], t = ids.shape[1];
        int hq = c.NumHeads, hkv = c.NumKvHeads, d = c.HeadDim;
        Tensor W(string name) => compute == ScalarType.Float32 ? _params[name] : _params[name].to(compute);

        Tensor x = W("model.embed_tokens.weight").index_select(0, ids.flatten()).view(b, t, c.HiddenSize);
        (Tensor cos, Tensor sin) = RopeTables(t, compute);
        for (int l = 0; l < c.NumLayers; l++)
        {
            string p = $"model.layers.{l}.";
            Tensor h = RmsNorm(x, W(p + "input_layernorm.weight"));
            Tensor q = F.linear(h, W(p + "self_attn.q_proj.weight")).view(b, t, hq, d).transpose(1, 2);
            Tensor k = F.linear(h, W(p + "self_attn.k_proj.weight")).view(b, t, hkv, d).transpose(1, 2);
            Tensor v = F.linear(h, W(p + "self_attn.v_proj.weight")).view(b, t, hkv, d).transpose(1, 2);
            q = (q * cos).add(RotateHalf(q) * sin, One);
            k = (k * cos).add(RotateHalf(k) * sin, One);
            if (hq != hkv)
            {
                k = k.repeat_interleave(hq / hkv, dim: 1);
                v = v.repeat_interleave(hq / hkv, dim: 1);
            }

            probe?.Record(q, k);
            Tensor a = F.scaled_dot_product_attention(q, k, v, is_casual: true);
            a = a.transpose(1, 2).reshape(b, t, hq * d);
            x = x.add(F.linear(a, W(p + "self_attn.o_proj.weight")), One);
            h = RmsNorm(x, W(p + "post_attention_layernorm.weight"));
            Tensor mlp = F.silu(F.linear(h, W(p + "mlp.gate_proj.weight"))) * F.linear(h, W(p + "mlp.up_proj.weight"));
            x = x.add(F.linear(mlp, W(p + "mlp.down_proj.weight")), One);
        }

        x = RmsNorm(x, W("model.norm.weight"));
        return F.linear(x, W("lm_head.weight")).to(ScalarType.Float32);
    }

    /// <summary>Writes the parameters as <c>model.safetensors</c> in a dtype.</summary>
    /// <param name="path">The file.</param>
    /// <param name="dtype">The stored dtype.</param>
    public void Save(string path, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        SafetensorsWriter.Write(path, _params.Select(kv => KeyValuePair.Create(kv.Key, kv.Value.detach().to(dtype))));
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (Tensor p in _params.Values)
        {
            p.Dispose();
        }

        _eps.Dispose();
    }

    private Tensor RmsNorm(Tensor x, Tensor weight)
    {
        Tensor xf = x.to(ScalarType.Float32);
        xf = xf * xf.pow(Two).mean([-1L], keepdim: true).add(_eps, One).rsqrt();
        return weight * xf.to(x.dtype);
    }

    private static Tensor RotateHalf(Tensor x)
    {
        long half = x.shape[^1] / 2;
        return cat([-x.narrow(-1, half, half), x.narrow(-1, 0, half)], -1);
    }

    private (Tensor Cos, Tensor Sin) RopeTables(long t, ScalarType dtype)
    {
        int d = Config.HeadDim;
        using Scalar headDim = ((double)d).ToScalar();
        Tensor theta = tensor((float)Config.RopeTheta, ScalarType.Float32, Device);
        Tensor invFreq = pow(theta, arange(0, d, 2, ScalarType.Int64, Device).to(ScalarType.Float32).div(headDim)).reciprocal();
        Tensor pos = arange(t, ScalarType.Int64, Device).to(ScalarType.Float32);
        Tensor freqs = outer(pos, invFreq);
        Tensor emb = cat([freqs, freqs], -1);
        return (emb.cos().to(dtype), emb.sin().to(dtype));
    }
}
