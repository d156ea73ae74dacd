using System.Text.Json.Nodes;
using SparseX.Engine.Model;

namespace SparseX.Engine.Tests;

/// <summary>Every unsupported or broken checkpoint fails with a message naming the file or field.</summary>
public sealed class CheckpointErrorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sparsex-ckpt-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string CopyOf(string fixture)
    {
        foreach (string file in Directory.GetFiles(FixturePaths.Model(fixture)))
        {
            File.Copy(file, Path.Combine(_dir, Path.GetFileName(file)));
        }

        return _dir;
    }

    private void EditConfig(Action<JsonObject> edit)
    {
        string path = Path.Combine(_dir, "config.json");
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(json);
        File.WriteAllText(path, json.ToJsonString());
    }

    private ModelLoadException LoadFails() => Assert.Throws<ModelLoadException>(() => DecoderModel.Load(_dir).Dispose());

    [Theory]
    [InlineData("yarn")]
    [InlineData("dynamic")]
    [InlineData("longrope")]
    public void UnsupportedRopeScalingIsNamed(string type)
    {
        CopyOf("llama-gqa-f32");
        EditConfig(c => c["rope_scaling"] = new JsonObject { ["rope_type"] = type, ["factor"] = 2.0 });
        ModelLoadException ex = LoadFails();
        Assert.Contains(type, ex.Message);
        Assert.Contains("rope_scaling", ex.Message);
    }

    [Fact]
    public void RopeParametersOfNewerTransformersAreRead()
    {
        CopyOf("llama-gqa-f32");
        EditConfig(c =>
        {
            c.Remove("rope_theta");
            c["rope_parameters"] = new JsonObject { ["rope_type"] = "linear", ["rope_theta"] = 20000.0, ["factor"] = 2.0 };
        });
        ModelConfig config = ModelConfig.Load(_dir);
        Assert.Equal(new RopeScaling(RopeType.Linear, 20000, 2.0), config.Rope);
    }

    [Fact]
    public void UnknownArchitectureListsTheSupportedOnes()
    {
        CopyOf("llama-gqa-f32");
        EditConfig(c => c["architectures"] = new JsonArray("GPT2LMHeadModel"));
        ModelLoadException ex = LoadFails();
        Assert.Contains("GPT2LMHeadModel", ex.Message);
        Assert.Contains("Qwen3ForCausalLM", ex.Message);
    }

    [Fact]
    public void SlidingWindowIsRefused()
    {
        CopyOf("llama-gqa-f32");
        EditConfig(c =>
        {
            c["architectures"] = new JsonArray("MistralForCausalLM");
            c["sliding_window"] = 128;
        });
        Assert.Contains("sliding_window", LoadFails().Message);
    }

    [Fact]
    public void MixtureOfExpertsIsRefused()
    {
        CopyOf("llama-gqa-f32");
        EditConfig(c => c["num_local_experts"] = 8);
        Assert.Contains("num_local_experts", LoadFails().Message);
    }

    [Fact]
    public void MissingTensorIsNamed()
    {
        CopyOf("llama-gqa-f32");
        EditConfig(c => c["num_hidden_layers"] = 5);
        Assert.Contains("model.layers.4.", LoadFails().Message);
    }

    [Fact]
    public void ShapeMismatchNamesTheTensorAndBothShapes()
    {
        CopyOf("llama-gqa-f32");
        EditConfig(c => c["intermediate_size"] = 300);
        ModelLoadException ex = LoadFails();
        Assert.Contains("mlp.", ex.Message);
        Assert.Contains("[300, 128]", ex.Message);
    }

    [Fact]
    public void TruncatedSafetensorsIsDetected()
    {
        CopyOf("llama-gqa-f32");
        string weights = Path.Combine(_dir, "model.safetensors");
        byte[] bytes = File.ReadAllBytes(weights);
        File.WriteAllBytes(weights, bytes[..(bytes.Length / 2)]);
        ModelLoadException ex = LoadFails();
        Assert.Contains("model.safetensors", ex.Message);
        Assert.Contains("truncated", ex.Message);
    }

    [Fact]
    public void CorruptHeaderIsDetected()
    {
        CopyOf("llama-gqa-f32");
        string weights = Path.Combine(_dir, "model.safetensors");
        byte[] bytes = File.ReadAllBytes(weights);
        bytes[8] = (byte)'#';
        File.WriteAllBytes(weights, bytes);
        Assert.Contains("not valid JSON", LoadFails().Message);
    }

    [Fact]
    public void MissingShardIsNamed()
    {
        CopyOf("llama3-rope-bf16-sharded");
        File.Delete(Path.Combine(_dir, "model-00003-of-00005.safetensors"));
        Assert.Contains("model-00003-of-00005.safetensors", LoadFails().Message);
    }

    [Fact]
    public void MissingConfigAndWeightsAreNamed()
    {
        Assert.Contains("config.json", LoadFails().Message);
        CopyOf("llama-gqa-f32");
        File.Delete(Path.Combine(_dir, "model.safetensors"));
        Assert.Contains("model.safetensors", LoadFails().Message);
    }
}
