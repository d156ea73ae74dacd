namespace SparseX.Engine.Runtime;

/// <summary>
/// Streams text while watching for stop strings that may be split across tokens: text that could still
/// be the start of a stop string is held back until it is decided.
/// </summary>
public sealed class StopSequenceMatcher
{
    private readonly IReadOnlyList<string> _stops;
    private string _pending = string.Empty;

    /// <summary>Initializes a new instance of the <see cref="StopSequenceMatcher"/> class.</summary>
    /// <param name="stops">The stop strings (non-empty).</param>
    public StopSequenceMatcher(IReadOnlyList<string> stops) => _stops = stops ?? throw new ArgumentNullException(nameof(stops));

    /// <summary>Gets a value indicating whether a stop string was found.</summary>
    public bool Stopped { get; private set; }

    /// <summary>Adds decoded text; returns the text that is now safe to emit.</summary>
    /// <param name="delta">New text.</param>
    /// <returns>Text to emit (never contains a stop string or anything after it).</returns>
    public string Append(string delta)
    {
        if (Stopped)
        {
            return string.Empty;
        }

        _pending += delta;
        int first = -1;
        foreach (string stop in _stops)
        {
            int at = _pending.IndexOf(stop, StringComparison.Ordinal);
            if (at >= 0 && (first < 0 || at < first))
            {
                first = at;
            }
        }

        if (first >= 0)
        {
            Stopped = true;
            string before = _pending[..first];
            _pending = string.Empty;
            return before;
        }

        int hold = 0;
        foreach (string stop in _stops)
        {
            for (int len = Math.Min(stop.Length - 1, _pending.Length); len > hold; len--)
            {
                if (_pending.AsSpan(_pending.Length - len).SequenceEqual(stop.AsSpan(0, len)))
                {
                    hold = len;
                    break;
                }
            }
        }

        string emit = _pending[..^hold];
        _pending = _pending[^hold..];
        return emit;
    }

    /// <summary>Releases held-back text at the end of generation.</summary>
    /// <returns>The remaining text.</returns>
    public string Flush()
    {
        string rest = Stopped ? string.Empty : _pending;
        _pending = string.Empty;
        return rest;
    }
}
