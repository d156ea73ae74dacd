using SparseX.Engine.Cache;
using SparseX.Engine.Runtime;
using static TorchSharp.torch;

namespace SparseX.Engine.Model;

/// <summary>How one reference prompt compared with the engine.</summary>
/// <param name="Prompt">The prompt name.</param>
/// <param name="Tokens">Prompt length.</param>
/// <param name="MaxLogitDiff">Max-abs difference of the reference logit rows.</param>
/// <param name="MaxHiddenDiff">Max-abs difference over all reference hidden states, or null if none.</param>
/// <param name="GreedyMatch">Whether the greedy continuation is identical, or null if none.</param>
/// <param name="GreedyTokens">The engine's greedy continuation.</param>
public sealed record ReferenceComparison(string Prompt, int Tokens, double MaxLogitDiff, double? MaxHiddenDiff, bool? GreedyMatch, int[] GreedyTokens)
{
    /// <summary>Gets whether the comparison is within tolerance.</summary>
    /// <param name="logitTolerance">Max-abs logit tolerance.</param>
    /// <returns>True if it passes.</returns>
    public bool Passes(double logitTolerance = 1e-3) => MaxLogitDiff <= logitTolerance && GreedyMatch != false;
}

/// <summary>Recomputes a <see cref="ReferenceSet"/> with the engine (dense prefill + greedy decode).</summary>
public static class ReferenceVerifier
{
    /// <summary>Compares every prompt of a references file.</summary>
    /// <param name="model">The model.</param>
    /// <param name="references">The references.</param>
    /// <returns>One comparison per prompt.</returns>
    public static IReadOnlyList<ReferenceComparison> Verify(DecoderModel model, ReferenceSet references)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(references);
        var results = new List<ReferenceComparison>();
        foreach (string prompt in references.Prompts)
        {
            results.Add(VerifyPrompt(model, references, prompt));
        }

        return results;
    }

    private static ReferenceComparison VerifyPrompt(DecoderModel model, ReferenceSet references, string prompt)
    {
        using var scope = NewDisposeScope();
        int[] ids = references.InputIds(prompt);
        int[]? expectedGreedy = references.Greedy(prompt);
        int total = ids.Length + (expectedGreedy?.Length ?? 0);
        int blockSize = 16;
        using KvBlockPool pool = model.CreatePool((total / blockSize) + 2, blockSize);
        using var table = new BlockTable(pool);
        table.EnsureCapacity(total);

        var referenceHidden = references.Hidden(prompt);
        var expectedByLayer = referenceHidden.ToDictionary(p => p.Index, p => p.Hidden);
        double? hiddenDiff = null;
        Tensor finalHidden = DenseForward.Run(model, table, ids, 0, (index, h) =>
        {
            if (expectedByLayer.TryGetValue(index, out Tensor? expected))
            {
                // transformers reports the last hidden state after the final norm.
                Tensor actual = index == model.NumLayers ? model.FinalNorm(h) : h;
                double diff = (actual.to(ScalarType.Float32) - expected).abs().max().item<float>();
                hiddenDiff = Math.Max(hiddenDiff ?? 0, diff);
            }
        });

        int[] rows = references.LogitRows(prompt);
        Tensor logits = model.Logits(finalHidden.index_select(0, tensor(rows.Select(r => (long)r).ToArray(), device: model.Device)));
        double logitDiff = (logits.cpu() - references.Logits(prompt)).abs().max().item<float>();

        int[] greedy = Array.Empty<int>();
        bool? match = null;
        if (expectedGreedy is not null)
        {
            var tokens = ids.ToList();
            Tensor last = model.Logits(finalHidden[^1..]);
            var generated = new List<int>();
            for (int step = 0; step < expectedGreedy.Length; step++)
            {
                int next = (int)last.argmax(-1).item<long>();
                generated.Add(next);
                tokens.Add(next);
                if (step + 1 < expectedGreedy.Length)
                {
                    using var stepScope = NewDisposeScope();
                    Tensor h = DenseForward.Run(model, table, tokens, tokens.Count - 1);
                    last = model.Logits(h).MoveToOuterDisposeScope();
                }
            }

            greedy = generated.ToArray();
            match = greedy.SequenceEqual(expectedGreedy);
        }

        foreach (var (_, t) in referenceHidden)
        {
            t.Dispose();
        }

        return new ReferenceComparison(prompt, ids.Length, logitDiff, hiddenDiff, match, greedy);
    }
}
