using SparseX.Engine.Cache;
using static TorchSharp.torch;

namespace SparseX.Engine.Model;

/// <summary>
/// The rows one forward step computes and the keys they read. Rows can be any subset of a sequence's
/// positions (prefill: all new tokens; decode: the last one; SparseX sparse layers: the recompute set R).
/// Each row writes its fresh K/V into <see cref="WriteSlots"/> and attends to the keys in
/// <see cref="ReadSlots"/> allowed by <see cref="Mask"/>: key j is visible to row i iff Mask[i, j]. The
/// mask carries the per-row causal limit (DESIGN §4 step 4), so scattered rows are exact.
/// </summary>
public sealed class RowBatch : IDisposable
{
    private readonly Func<Tensor>? _maskFactory;
    private MaskKind _kind = MaskKind.Rows;
    private Tensor? _mask;

    /// <summary>Initializes a new instance of the <see cref="RowBatch"/> class.</summary>
    /// <param name="positions">Int64 [R] positions of the rows.</param>
    /// <param name="writeSlots">Int64 [R] KV pool slots the rows' K/V go to.</param>
    /// <param name="readSlots">Int64 [Nk] KV pool slots of the keys the rows may read.</param>
    /// <param name="mask">Bool [R, Nk]: which keys each row attends to.</param>
    /// <param name="cos">RoPE cos table [R, D] (fp32).</param>
    /// <param name="sin">RoPE sin table [R, D] (fp32).</param>
    public RowBatch(Tensor positions, Tensor writeSlots, Tensor readSlots, Tensor mask, Tensor cos, Tensor sin)
    {
        Positions = positions;
        WriteSlots = writeSlots;
        ReadSlots = readSlots;
        _mask = mask;
        Cos = cos;
        Sin = sin;
    }

    private RowBatch(Tensor positions, Tensor writeSlots, Tensor readSlots, Func<Tensor> maskFactory, Tensor cos, Tensor sin)
    {
        Positions = positions;
        WriteSlots = writeSlots;
        ReadSlots = readSlots;
        _maskFactory = maskFactory;
        Cos = cos;
        Sin = sin;
    }

    /// <summary>Gets the positions of the rows on the host (no device round trip per layer).</summary>
    public IReadOnlyList<long> HostPositions { get; private init; } = Array.Empty<long>();

    /// <summary>Gets the positions of the rows.</summary>
    public Tensor Positions { get; }

    /// <summary>Gets the slots the rows' K/V are written to.</summary>
    public Tensor WriteSlots { get; }

    /// <summary>Gets the slots of the keys the rows read.</summary>
    public Tensor ReadSlots { get; }

    /// <summary>Gets the attention mask [R, Nk].</summary>
    public Tensor Mask => _mask ??= _maskFactory!();

    /// <summary>Gets the RoPE cos table.</summary>
    public Tensor Cos { get; }

    /// <summary>Gets the RoPE sin table.</summary>
    public Tensor Sin { get; }

    /// <summary>Gets the first read slot when the read slots are consecutive (the keys are then a view of the pool), else −1.</summary>
    public long ReadSlotStart { get; private init; } = -1;

    /// <summary>Gets the shape of the mask, so fused kernels can skip it where it is trivial.</summary>
    public MaskKind Kind => _kind;

    /// <summary>Gets the number of rows.</summary>
    public long Rows => Positions.shape[0];

    /// <summary>
    /// Builds a batch for one sequence: rows at <paramref name="positions"/> of a sequence whose tokens
    /// 0..<paramref name="keyCount"/>−1 live at <paramref name="slotOf"/>; causal per row.
    /// </summary>
    /// <param name="rope">The model's RoPE.</param>
    /// <param name="positions">Row positions (ascending or not).</param>
    /// <param name="keyCount">Number of key positions 0..keyCount−1 the rows may read.</param>
    /// <param name="slotOf">Slot of a position.</param>
    /// <param name="device">Device.</param>
    /// <returns>The batch (owns its tensors).</returns>
    public static RowBatch ForSequence(Rope rope, IReadOnlyList<long> positions, int keyCount, Func<int, long> slotOf, Device device)
    {
        long[] pos = positions.ToArray();
        long[] write = pos.Select(p => slotOf((int)p)).ToArray();
        long[] read = Enumerable.Range(0, keyCount).Select(p => slotOf(p)).ToArray();
        using var scope = NewDisposeScope();
        Tensor posT = tensor(pos, ScalarType.Int64, device).MoveToOuterDisposeScope();
        (Tensor cos, Tensor sin) = rope.Tables(posT);

        // Built on first use: fused kernels need no mask for the full causal triangle or for decode.
        Tensor MakeMask()
        {
            using var maskScope = NewDisposeScope();
            return (arange(keyCount, ScalarType.Int64, device).unsqueeze(0) <= posT.unsqueeze(1)).DetachFromDisposeScope(); // owned by the batch
        }

        bool ascending = pos.Zip(pos.Skip(1), (a, b) => a < b).All(x => x);
        bool contiguous = ascending && pos.Length > 0 && pos[^1] == keyCount - 1 && pos[^1] - pos[0] == pos.Length - 1;
        MaskKind kind = pos.All(p => p >= keyCount - 1) ? MaskKind.None
            : contiguous && pos[0] == 0 ? MaskKind.FullCausal
            : contiguous ? MaskKind.Suffix
            : ascending ? MaskKind.SortedRows
            : MaskKind.Rows;
        return new RowBatch(
            posT,
            tensor(write, ScalarType.Int64, device).MoveToOuterDisposeScope(),
            tensor(read, ScalarType.Int64, device).MoveToOuterDisposeScope(),
            MakeMask,
            cos.MoveToOuterDisposeScope(),
            sin.MoveToOuterDisposeScope())
        {
            _kind = kind,
            HostPositions = pos,
            ReadSlotStart = read.Length > 0 && read.Zip(read.Skip(1), (a, b) => b == a + 1).All(x => x) ? read[0] : -1,
        };
    }

    /// <summary>
    /// Builds a decode batch: the last position of each sequence, reading all of that sequence's keys and
    /// none of the others' (block-diagonal mask over the concatenated keys).
    /// </summary>
    /// <param name="rope">The model's RoPE.</param>
    /// <param name="sequences">Each sequence's blocks and length (its last position is length − 1).</param>
    /// <param name="device">Device.</param>
    /// <returns>The batch (owns its tensors).</returns>
    public static RowBatch ForDecode(Rope rope, IReadOnlyList<(BlockTable Table, int Length)> sequences, Device device)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        long[] pos = sequences.Select(s => (long)(s.Length - 1)).ToArray();
        long[] write = sequences.Select(s => s.Table.Slot(s.Length - 1)).ToArray();
        long[] read = sequences.SelectMany(s => Enumerable.Range(0, s.Length).Select(s.Table.Slot)).ToArray();
        long[] owner = sequences.SelectMany((s, i) => Enumerable.Repeat((long)i, s.Length)).ToArray();
        using var scope = NewDisposeScope();
        Tensor posT = tensor(pos, ScalarType.Int64, device);
        Tensor mask = tensor(owner, ScalarType.Int64, device).unsqueeze(0) == arange(sequences.Count, ScalarType.Int64, device).unsqueeze(1);
        (Tensor cos, Tensor sin) = rope.Tables(posT);
        return new RowBatch(
            posT.MoveToOuterDisposeScope(),
            tensor(write, ScalarType.Int64, device).MoveToOuterDisposeScope(),
            tensor(read, ScalarType.Int64, device).MoveToOuterDisposeScope(),
            mask.MoveToOuterDisposeScope(),
            cos.MoveToOuterDisposeScope(),
            sin.MoveToOuterDisposeScope())
        {
            _kind = sequences.Count == 1 ? MaskKind.None : MaskKind.Rows,
            HostPositions = pos,
        };
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Positions.Dispose();
        WriteSlots.Dispose();
        ReadSlots.Dispose();
        _mask?.Dispose();
        Cos.Dispose();
        Sin.Dispose();
    }
}
