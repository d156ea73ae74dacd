using System.Text.Json;
using System.Text.Json.Nodes;
using SparseX.Engine.Text;
using SparseX.World;
using SparseX.Train.Training;
using static TorchSharp.torch;

namespace SparseX.Train.Export;

/// <summary>Exports a trained model in the Hugging Face layout: config.json, model.safetensors (bf16),
/// tokenizer.json, tokenizer_config.json (with the chat template) and generation_config.json.</summary>
public static class HfExporter
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Writes the export.</summary>
    /// <param name="model">The model.</param>
    /// <param name="tokenizerDirectory">The directory holding the tokenizer files.</param>
    /// <param name="directory">The export directory (created if missing).</param>
    /// <param name="dtype">The stored weight dtype (bf16 by default).</param>
    public static void Export(LlamaTrainModel model, string tokenizerDirectory, string directory, ScalarType dtype = ScalarType.BFloat16)
    {
        ArgumentNullException.ThrowIfNull(model);
        Directory.CreateDirectory(directory);
        using var tok = HfTokenizer.FromDirectory(tokenizerDirectory);
        int eos = tok.TokenToId(ChatMl.ImEnd) ?? throw new InvalidOperationException("no <|im_end|>");
        int pad = tok.TokenToId(ChatMl.EndOfText) ?? throw new InvalidOperationException("no <|endoftext|>");
        JsonObject config = model.Config.ToHfConfig(eos, pad);
        config["torch_dtype"] = dtype == ScalarType.BFloat16 ? "bfloat16" : dtype == ScalarType.Float16 ? "float16" : "float32";
        File.WriteAllText(Path.Combine(directory, "config.json"), config.ToJsonString(Indented));
        File.WriteAllText(Path.Combine(directory, "generation_config.json"), new JsonObject
        {
            ["eos_token_id"] = eos,
            ["pad_token_id"] = pad,
            ["do_sample"] = false,
        }.ToJsonString(Indented));
        model.Save(Path.Combine(directory, "model.safetensors"), dtype);
        foreach (string f in new[] { "tokenizer.json", "tokenizer_config.json" })
        {
            string target = Path.Combine(directory, f);
            if (Path.GetFullPath(target) != Path.GetFullPath(Path.Combine(tokenizerDirectory, f)))
            {
                File.Copy(Path.Combine(tokenizerDirectory, f), target, overwrite: true);
            }
        }
    }
}
