using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SparseX.Engine.Model;

/// <summary>
/// The reuse settings measured for one checkpoint, kept beside it as <c>sparsex_reuse.json</c> (written by
/// <c>sparsex calibrate</c>). Today it holds the Sparse-Q selection layer: the layer whose attention ranks reused tokens
/// best is a property of the trained weights — the layer that does the cross-document look-up — not always the last full
/// layer F − 1 that DESIGN §4 step 3 names (docs/quality.md: on the stronger demo checkpoints ranking at F − 1 loses 18–21
/// points of exact match that ranking at the look-up layer keeps). A request whose <see cref="Reuse.ReusePolicy.SelectionLayer"/>
/// is unset uses this layer when it is at least F − 1.
/// </summary>
public sealed record ReuseCalibration
{
    /// <summary>The file name inside a checkpoint directory.</summary>
    public const string FileName = "sparsex_reuse.json";

    /// <summary>Gets the layer whose attention ranks reused tokens for Sparse-Q (0-based).</summary>
    public required int SelectionLayer { get; init; }

    /// <summary>Gets the evidence: mean first-token KL (nats) against full prefill for each layer tried, if recorded.</summary>
    public IReadOnlyDictionary<int, double> FirstTokenKlByLayer { get; init; } = new Dictionary<int, double>();

    /// <summary>Gets the command that measured it, if recorded.</summary>
    public string? Command { get; init; }

    /// <summary>The selection layer for a request with F full layers: this layer when it is at least F − 1, else F − 1.</summary>
    /// <param name="fullLayers">F.</param>
    /// <returns>The layer.</returns>
    public int SelectionLayerFor(int fullLayers) => Math.Max(SelectionLayer, fullLayers - 1);

    /// <summary>Reads <c>sparsex_reuse.json</c> from a checkpoint directory, if there is one.</summary>
    /// <param name="directory">The checkpoint directory.</param>
    /// <param name="numLayers">The model's layer count (the selection layer must be below it).</param>
    /// <returns>The calibration, or null when the directory has no such file.</returns>
    /// <exception cref="ModelLoadException">The file is malformed or names a layer the model does not have; the message names the file.</exception>
    public static ReuseCalibration? Load(string directory, int numLayers)
    {
        string path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        JsonObject json;
        try
        {
            json = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new ModelLoadException($"'{path}' is not a JSON object.");
        }
        catch (JsonException ex)
        {
            throw new ModelLoadException($"'{path}' is not valid JSON: {ex.Message}", ex);
        }

        int layer = json["selection_layer"] is JsonValue v && v.TryGetValue(out int l)
            ? l
            : throw new ModelLoadException($"'{path}': 'selection_layer' must be an integer layer index.");
        if (layer < 0 || layer >= numLayers)
        {
            throw new ModelLoadException($"'{path}': selection_layer {layer} is not a layer of this model (0 to {numLayers - 1}).");
        }

        var kl = new Dictionary<int, double>();
        if (json["first_token_kl"] is JsonObject byLayer)
        {
            foreach (var (key, value) in byLayer)
            {
                if (!int.TryParse(key, NumberStyles.Integer, CultureInfo.InvariantCulture, out int at) || value is not JsonValue number || !number.TryGetValue(out double d))
                {
                    throw new ModelLoadException($"'{path}': 'first_token_kl' must map layer indices to numbers (got \"{key}\").");
                }

                kl[at] = d;
            }
        }

        return new ReuseCalibration { SelectionLayer = layer, FirstTokenKlByLayer = kl, Command = json["command"] is JsonValue c && c.TryGetValue(out string? command) ? command : null };
    }

    /// <summary>Writes this calibration as <c>sparsex_reuse.json</c> into a directory.</summary>
    /// <param name="directory">The checkpoint directory.</param>
    /// <param name="measuredWith">The settings it was measured with (full layers, budget, questions, …), recorded as they are.</param>
    /// <returns>The file's path.</returns>
    public string Save(string directory, IReadOnlyDictionary<string, object>? measuredWith = null)
    {
        var json = new JsonObject { ["selection_layer"] = SelectionLayer };
        json["first_token_kl"] = new JsonObject(FirstTokenKlByLayer.OrderBy(p => p.Key).Select(p => KeyValuePair.Create(p.Key.ToString(CultureInfo.InvariantCulture), (JsonNode?)p.Value)));
        foreach (var (key, value) in measuredWith ?? new Dictionary<string, object>())
        {
            json[key] = JsonSerializer.SerializeToNode(value);
        }

        if (Command is not null)
        {
            json["command"] = Command;
        }

        string path = Path.Combine(directory, FileName);
        File.WriteAllText(path, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        return path;
    }
}
