using System.Collections.Concurrent;

namespace SparseX.Samples.Agents;

/// <summary>What the agents' model calls did, in order; the sample sets <see cref="Turn"/> before each turn.</summary>
internal sealed class CallLog
{
    private readonly ConcurrentQueue<CallRecord> _records = new();

    public int Turn { get; set; }

    public IReadOnlyList<CallRecord> Records => _records.ToArray();

    public void Add(CallRecord record) => _records.Enqueue(record);
}
