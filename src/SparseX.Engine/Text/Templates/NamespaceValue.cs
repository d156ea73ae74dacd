namespace SparseX.Engine.Text.Templates;

/// <summary>The object <c>namespace(...)</c> returns: the one value a template may change after creating it.</summary>
internal sealed class NamespaceValue
{
    /// <summary>Gets the attributes in assignment order.</summary>
    public OrderedDictionary<string, object?> Attributes { get; } = new(StringComparer.Ordinal);
}
