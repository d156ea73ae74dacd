namespace SparseX.Engine.Text.Templates;

/// <summary>Dict key equality with Python semantics (<c>1 == 1.0 == True</c> hash alike).</summary>
internal sealed class PyKeyComparer : IEqualityComparer<object>
{
    /// <summary>The shared instance.</summary>
    public static readonly PyKeyComparer Instance = new();

    /// <inheritdoc />
    public new bool Equals(object? x, object? y) => TemplateValue.PyEquals(x, y);

    /// <inheritdoc />
    public int GetHashCode(object obj) => obj switch
    {
        string s => s.GetHashCode(StringComparison.Ordinal),
        bool or long => TemplateValue.AsLong(obj).GetHashCode(),
        double d => d == Math.Floor(d) && Math.Abs(d) < 9e18 ? ((long)d).GetHashCode() : d.GetHashCode(),
        object?[] t => t.Aggregate(17, (h, x) => (h * 31) + (x is null ? 0 : GetHashCode(x))),
        _ when !TemplateValue.IsHashable(obj) => throw TemplateValue.Error($"TypeError: unhashable type: '{TemplateValue.TypeName(obj)}'"),
        _ => obj.GetHashCode(),
    };
}
