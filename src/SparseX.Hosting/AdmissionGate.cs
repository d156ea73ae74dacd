namespace SparseX.Hosting;

/// <summary>
/// The host's backpressure: a fixed number of request slots. A caller takes a slot before its request
/// reaches the engine and gives it back when its stream ends; without a free slot it waits (its own
/// await, no buffer on the host) or, in fail-fast mode, is refused at once.
/// </summary>
internal sealed class AdmissionGate
{
    private readonly SemaphoreSlim _slots;
    private int _waiting;

    /// <summary>Initializes a new instance of the <see cref="AdmissionGate"/> class.</summary>
    /// <param name="capacity">The number of slots.</param>
    /// <param name="failFast">Refuse instead of waiting when no slot is free.</param>
    public AdmissionGate(int capacity, bool failFast)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        FailFast = failFast;
        _slots = new SemaphoreSlim(capacity, capacity);
    }

    /// <summary>Gets the number of slots.</summary>
    public int Capacity { get; }

    /// <summary>Gets a value indicating whether callers are refused instead of waiting.</summary>
    public bool FailFast { get; }

    /// <summary>Gets the callers waiting for a slot.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>Gets the slots taken.</summary>
    public int Admitted => Capacity - _slots.CurrentCount;

    /// <summary>Takes a slot, waiting for one unless the gate fails fast.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>True if a slot was taken at once, false if the caller had to wait.</returns>
    /// <exception cref="SparseXQueueFullException">No slot is free and the gate fails fast.</exception>
    /// <exception cref="OperationCanceledException">The wait was cancelled.</exception>
    public async ValueTask<bool> EnterAsync(CancellationToken cancellationToken)
    {
        if (_slots.Wait(0, CancellationToken.None))
        {
            return true;
        }

        if (FailFast)
        {
            throw new SparseXQueueFullException(Capacity);
        }

        Interlocked.Increment(ref _waiting);
        try
        {
            await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            return false;
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
    }

    /// <summary>Gives a slot back.</summary>
    public void Exit() => _slots.Release();
}
