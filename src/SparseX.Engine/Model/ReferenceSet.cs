using static TorchSharp.torch;

namespace SparseX.Engine.Model;

/// <summary>
/// A <c>references.safetensors</c> file in the fixture format: for each prompt <c>p</c>,
/// <c>p.input_ids</c>, <c>p.logits</c> (all rows, or the rows in <c>p.logit_rows</c>), optional
/// <c>p.hidden.i</c>, and <c>p.greedy</c> (the greedy continuation). Produced by transformers; see the
/// README for the script that writes one for any checkpoint.
/// </summary>
public sealed class ReferenceSet : IDisposable
{
    private readonly SafetensorsFile _file;

    private ReferenceSet(SafetensorsFile file) => _file = file;

    /// <summary>Gets the prompt names, sorted.</summary>
    public IReadOnlyList<string> Prompts => _file.Names
        .Where(n => n.EndsWith(".input_ids", StringComparison.Ordinal))
        .Select(n => n[..^".input_ids".Length])
        .Order(StringComparer.Ordinal)
        .ToArray();

    /// <summary>Opens a references file.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The set.</returns>
    public static ReferenceSet Open(string path) => new(SafetensorsFile.Open(path));

    /// <summary>Gets a prompt's input ids.</summary>
    /// <param name="prompt">The prompt name.</param>
    /// <returns>The ids.</returns>
    public int[] InputIds(string prompt) => ReadInts($"{prompt}.input_ids");

    /// <summary>Gets a prompt's greedy continuation, if present.</summary>
    /// <param name="prompt">The prompt name.</param>
    /// <returns>The ids, or null.</returns>
    public int[]? Greedy(string prompt) => _file.Contains($"{prompt}.greedy") ? ReadInts($"{prompt}.greedy") : null;

    /// <summary>Gets the rows the logits refer to (all rows when the file lists none).</summary>
    /// <param name="prompt">The prompt name.</param>
    /// <returns>Row indices.</returns>
    public int[] LogitRows(string prompt) =>
        _file.Contains($"{prompt}.logit_rows") ? ReadInts($"{prompt}.logit_rows") : Enumerable.Range(0, InputIds(prompt).Length).ToArray();

    /// <summary>Gets a prompt's reference logits [rows, vocab] fp32.</summary>
    /// <param name="prompt">The prompt name.</param>
    /// <returns>A new tensor.</returns>
    public Tensor Logits(string prompt) => Read($"{prompt}.logits");

    /// <summary>Gets the hidden-state references of a prompt: index → [T, hidden] (may be empty).</summary>
    /// <param name="prompt">The prompt name.</param>
    /// <returns>Pairs of (index, tensor); the caller disposes the tensors.</returns>
    public IReadOnlyList<(int Index, Tensor Hidden)> Hidden(string prompt)
    {
        string prefix = $"{prompt}.hidden.";
        return _file.Names.Where(n => n.StartsWith(prefix, StringComparison.Ordinal))
            .Select(n => (int.Parse(n[prefix.Length..], System.Globalization.CultureInfo.InvariantCulture), Read(n)))
            .OrderBy(p => p.Item1)
            .ToArray();
    }

    /// <inheritdoc />
    public void Dispose() => _file.Dispose();

    private Tensor Read(string name)
    {
        using Tensor t = _file.Read(name);
        return t.to(ScalarType.Float32);
    }

    private int[] ReadInts(string name)
    {
        using Tensor t = _file.Read(name);
        return t.to(ScalarType.Int64).data<long>().Select(v => checked((int)v)).ToArray();
    }
}
