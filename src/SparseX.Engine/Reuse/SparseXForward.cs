using System.Diagnostics;
using SparseX.Engine.Cache;
using SparseX.Engine.Model;
using SparseX.Engine.Runtime;
using static TorchSharp.torch;

namespace SparseX.Engine.Reuse;

/// <summary>The outcome of the SparseX prefill.</summary>
/// <param name="LastHidden">Hidden state of the last prompt token, [1, hidden] (before the final norm).</param>
/// <param name="Recomputed">T: reused positions recomputed in the sparse layers, ascending.</param>
/// <param name="NewTokens">|S|.</param>
/// <param name="Align">Time rotating cached keys.</param>
/// <param name="FullLayers">Time in the dense layers.</param>
/// <param name="Selection">Time selecting T.</param>
/// <param name="SparseLayers">Time in the sparse layers.</param>
/// <param name="SelectionLayer">The layer whose attention ranked reused tokens (Sparse-Q selectors only).</param>
public sealed record SparseXResult(Tensor LastHidden, int[] Recomputed, int NewTokens, TimeSpan Align, TimeSpan FullLayers, TimeSpan Selection, TimeSpan SparseLayers, int? SelectionLayer = null);

/// <summary>
/// The SparseX forward pass (DESIGN §4), one pass over the model:
/// 1. align cached segment K to the new positions; 2. compute all non-prefix tokens densely in layers
/// 0..F−1; 3. select T ⊂ C (Sparse-Q: attention paid by the new rows at the selection layer, F−1 or the checkpoint's
/// calibrated layer, <see cref="ReusePolicy.ResolveSelectionLayer"/>); 4. compute only
/// R = S ∪ T in layers F..L−1 against all keys with per-row causal limits; 5. the request's KV is the
/// shared prefix blocks plus its own blocks (fresh where computed, aligned copies elsewhere).
/// </summary>
public static class SparseXForward
{
    /// <summary>Runs the pass.</summary>
    /// <param name="model">The model.</param>
    /// <param name="table">The request's blocks: shared prefix blocks, then owned blocks for every other position.</param>
    /// <param name="tokens">The prompt ids (N).</param>
    /// <param name="prefixLength">P: positions 0..P−1 hold exact KV already.</param>
    /// <param name="reused">The spans C whose KV comes from the segment store (all at positions ≥ P).</param>
    /// <param name="policy">Budget, F, selector.</param>
    /// <returns>The last hidden state and what was recomputed.</returns>
    public static SparseXResult Run(DecoderModel model, BlockTable table, IReadOnlyList<int> tokens, int prefixLength, IReadOnlyList<ReusedSpan> reused, ReusePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(reused);
        ArgumentNullException.ThrowIfNull(policy);
        policy.Validate(model.NumLayers);
        int n = tokens.Count, p = prefixLength, layers = model.NumLayers, f = policy.FullLayers;
        if (p < 0 || p >= n)
        {
            throw new ArgumentOutOfRangeException(nameof(prefixLength), $"Prefix length {p} must be in [0, {n}).");
        }

        using var scope = NewDisposeScope();
        var clock = Stopwatch.StartNew();
        var reusedTokens = ReusedTokens(reused, p, n);           // C, ascending, with their span
        int[] newTokens = Enumerable.Range(p, n - p).Where(pos => !reusedTokens.ContainsKey(pos)).ToArray(); // S
        bool needsDeviation = policy.Selector is SelectorKind.KvDeviation or SelectorKind.SparseQDeviation;

        // 1. Align: rotate each reused span's stored K by Δ into the request's own blocks, for the sparse
        //    layers (the full layers recompute everything). The shared stored copy is only read.
        Tensor? cachedCheckKeys = null;
        foreach (ReusedSpan span in reused)
        {
            AlignSpan(model, table, span, f, layers);
        }

        if (needsDeviation && reusedTokens.Count > 0)
        {
            cachedCheckKeys = AlignedKeysAt(model, reused, f - 1);
        }

        TorchRuntime.Synchronize(model.Device);
        TimeSpan align = clock.Elapsed;

        // 2. Full layers 0..F−1: every non-prefix token, exactly as a prefill continuing after the prefix.
        long[] rows = Enumerable.Range(p, n - p).Select(x => (long)x).ToArray();
        using RowBatch full = RowBatch.ForSequence(model.Rope, rows, n, table.Slot, model.Device);
        Tensor hidden = model.Embed(tensor(tokens.Skip(p).Select(t => (long)t).ToArray(), ScalarType.Int64, model.Device));
        bool needsImportance = policy.Selector is SelectorKind.SparseQ or SelectorKind.SparseQDeviation && reusedTokens.Count > 0;
        int selectionLayer = policy.ResolveSelectionLayer(model.ReuseCalibration);
        using AttentionProbe? probe = needsImportance && selectionLayer < f
            ? new AttentionProbe(tensor(QueryRows(newTokens, n).Select(pos => (long)(pos - p)).ToArray(), ScalarType.Int64, model.Device))
            : null;
        for (int l = 0; l < f; l++)
        {
            hidden = model.Layer(l, hidden, full, table.Pool, l == selectionLayer ? probe : null);
        }

        Tensor? importance = needsImportance && selectionLayer >= f
            ? LookAhead(model, table, hidden, QueryRows(newTokens, n).ToArray(), p, n, f, selectionLayer)
            : probe?.Importance;

        TorchRuntime.Synchronize(model.Device);
        TimeSpan fullLayers = clock.Elapsed - align;

        // 3. Select T ⊂ C, ranked at the selection layer (F − 1 unless the policy or the checkpoint's calibration names a later one).
        int[] selected = TokenSelector.Select(
            policy,
            reusedTokens,
            importance: importance,
            deviation: cachedCheckKeys is null ? null : Deviation(model, table, reusedTokens.Keys, f - 1, cachedCheckKeys));
        TimeSpan selection = clock.Elapsed - align - fullLayers;

        // 4. Sparse layers F..L−1: rows R = S ∪ T ∪ {N−1}, each attending to keys 0..its own position.
        int[] recompute = newTokens.Concat(selected).Append(n - 1).Distinct().Order().ToArray();
        Tensor rowIndex = tensor(recompute.Select(pos => (long)(pos - p)).ToArray(), ScalarType.Int64, model.Device);
        Tensor hiddenR = hidden.index_select(0, rowIndex);
        if (f < layers)
        {
            using RowBatch sparse = RowBatch.ForSequence(model.Rope, recompute.Select(x => (long)x).ToArray(), n, table.Slot, model.Device);
            for (int l = f; l < layers; l++)
            {
                hiddenR = model.Layer(l, hiddenR, sparse, table.Pool);
            }
        }

        TorchRuntime.Synchronize(model.Device);
        TimeSpan sparseLayers = clock.Elapsed - align - fullLayers - selection;

        // 5. The request's KV now sits in its blocks; the last row gives the first token's logits.
        Tensor last = hiddenR[^1..].MoveToOuterDisposeScope();
        return new SparseXResult(last, selected.Order().ToArray(), newTokens.Length, align, fullLayers, selection, sparseLayers, needsImportance ? selectionLayer : null);
    }

    /// <summary>
    /// Runs the query rows alone through layers F..<paramref name="selectionLayer"/> against the aligned cached KV and
    /// takes the Sparse-Q probe at the last of them. The rows write their own K/V there; the sparse layers recompute
    /// every query row from layer F, so those writes are overwritten before anything reads them again.
    /// </summary>
    /// <returns>The importance of each key at <paramref name="selectionLayer"/>, in the caller's dispose scope.</returns>
    private static Tensor LookAhead(DecoderModel model, BlockTable table, Tensor hidden, int[] queryRows, int p, int n, int f, int selectionLayer)
    {
        using var scope = NewDisposeScope();
        Tensor h = hidden.index_select(0, tensor(queryRows.Select(pos => (long)(pos - p)).ToArray(), ScalarType.Int64, model.Device));
        using RowBatch rows = RowBatch.ForSequence(model.Rope, queryRows.Select(x => (long)x).ToArray(), n, table.Slot, model.Device);
        using var all = new AttentionProbe(arange(queryRows.Length, ScalarType.Int64, model.Device));
        for (int l = f; l <= selectionLayer; l++)
        {
            h = model.Layer(l, h, rows, table.Pool, l == selectionLayer ? all : null);
        }

        // The probe disposes what it holds; the importance leaves with the caller instead.
        Tensor importance = all.Importance!.MoveToOuterDisposeScope();
        all.Importance = null;
        return importance;
    }

    /// <summary>Maps each reused position ≥ P to (span, offset in span).</summary>
    private static SortedDictionary<int, ReusedToken> ReusedTokens(IReadOnlyList<ReusedSpan> reused, int p, int n)
    {
        var map = new SortedDictionary<int, ReusedToken>();
        foreach (ReusedSpan span in reused)
        {
            if (span.Start < p || span.Start + span.Length > n || span.LeaseOffset < 0 || span.LeaseOffset + span.Length > span.Lease.Length)
            {
                throw new ArgumentException($"Reused span [{span.Start}, {span.Start + span.Length}) does not fit the prompt [{p}, {n}) or its stored segment.");
            }

            for (int i = 0; i < span.Length; i++)
            {
                if (!map.TryAdd(span.Start + i, new ReusedToken(span, i)))
                {
                    throw new ArgumentException($"Position {span.Start + i} is covered by two reused spans.");
                }
            }
        }

        return map;
    }

    /// <summary>The rows whose attention defines importance: S, plus the last token (its logits are needed).</summary>
    private static IEnumerable<int> QueryRows(int[] newTokens, int n) => newTokens.Append(n - 1).Distinct().Order();

    private static void AlignSpan(DecoderModel model, BlockTable table, ReusedSpan span, int fromLayer, int layers)
    {
        if (fromLayer >= layers)
        {
            return;
        }

        using var scope = NewDisposeScope();
        Tensor slots = tensor(Enumerable.Range(span.Start, span.Length).Select(table.Slot).ToArray(), ScalarType.Int64, model.Device);
        Tensor k = span.Lease.Keys.narrow(0, fromLayer, layers - fromLayer).narrow(1, span.LeaseOffset, span.Length);
        Tensor v = span.Lease.Values.narrow(0, fromLayer, layers - fromLayer).narrow(1, span.LeaseOffset, span.Length);
        Tensor rotated = model.Rope.RotateBy(k, span.Delta);
        for (int l = fromLayer; l < layers; l++)
        {
            table.Pool.Keys(l).index_copy_(0, slots, rotated[l - fromLayer].to(table.Pool.Keys(l).dtype));
            table.Pool.Values(l).index_copy_(0, slots, v[l - fromLayer].to(table.Pool.Values(l).dtype));
        }
    }

    /// <summary>Aligned cached keys of layer <paramref name="layer"/> for the reused positions in ascending order, [|C|, kv_heads, head_dim].</summary>
    private static Tensor AlignedKeysAt(DecoderModel model, IReadOnlyList<ReusedSpan> reused, int layer)
    {
        var parts = new SortedDictionary<int, Tensor>();
        foreach (ReusedSpan span in reused)
        {
            Tensor k = span.Lease.Keys[layer].narrow(0, span.LeaseOffset, span.Length);
            parts[span.Start] = model.Rope.RotateBy(k, span.Delta);
        }

        return cat(parts.Values.ToArray(), 0);
    }

    /// <summary>‖K_fresh − K_cached‖ per reused token at the check layer (CacheBlend's signal).</summary>
    private static Tensor Deviation(DecoderModel model, BlockTable table, IEnumerable<int> positions, int layer, Tensor cachedKeys)
    {
        Tensor slots = tensor(positions.Select(table.Slot).ToArray(), ScalarType.Int64, model.Device);
        Tensor fresh = table.Pool.Keys(layer).index_select(0, slots).to(ScalarType.Float32);
        return (fresh - cachedKeys.to(ScalarType.Float32)).pow(2).sum(new long[] { 1, 2 }).sqrt();
    }
}

/// <summary>A reused position: its span and its offset in that span.</summary>
/// <param name="Span">The span.</param>
/// <param name="Offset">Offset of the token within the span.</param>
public sealed record ReusedToken(ReusedSpan Span, int Offset);
