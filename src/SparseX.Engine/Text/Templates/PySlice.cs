namespace SparseX.Engine.Text.Templates;

/// <summary>Python slice index arithmetic (<c>slice.indices</c>).</summary>
internal static class PySlice
{
    /// <summary>Normalised (start, stop, step, count) for a sequence of <paramref name="length"/>.</summary>
    public static (long Start, long Stop, long Step, long Count) Indices(long length, long? start, long? stop, long? step)
    {
        long st = step ?? 1;
        if (st == 0)
        {
            throw TemplateValue.Error("ValueError: slice step cannot be zero");
        }

        long lower = st < 0 ? -1 : 0;
        long upper = st < 0 ? length - 1 : length;
        long a = Clamp(start, st < 0 ? upper : lower, length, lower, upper);
        long b = Clamp(stop, st < 0 ? lower : upper, length, lower, upper);
        long count = st > 0 ? (b > a ? ((b - a - 1) / st) + 1 : 0) : (a > b ? ((a - b - 1) / -st) + 1 : 0);
        return (a, b, st, count);
    }

    private static long Clamp(long? value, long dflt, long length, long lower, long upper)
    {
        if (value is not long v)
        {
            return dflt;
        }

        if (v < 0)
        {
            v += length;
            return v < lower ? lower : v;
        }

        return v > upper ? upper : v;
    }

    /// <summary>The element positions a slice selects, in order.</summary>
    public static IEnumerable<int> Positions(int length, long? start, long? stop, long? step)
    {
        var (a, _, st, count) = Indices(length, start, stop, step);
        for (long k = 0; k < count; k++)
        {
            yield return (int)(a + (k * st));
        }
    }
}
