namespace SparseX.Engine.Text.Templates;

/// <summary>The <c>loop</c> variable inside a <c>for</c> body (Jinja's <c>LoopContext</c>).</summary>
internal sealed class LoopInfo
{
    private readonly IReadOnlyList<object?> _items;

    /// <summary>Creates the loop state for <paramref name="items"/>.</summary>
    public LoopInfo(IReadOnlyList<object?> items) => _items = items;

    /// <summary>Gets or sets the 0-based position of the current item.</summary>
    public int Index0 { get; set; }

    /// <summary>Reads a loop attribute (<c>index</c>, <c>first</c>, <c>cycle</c>, …); unknown names are undefined.</summary>
    public object? GetAttribute(string name)
    {
        int n = _items.Count;
        return name switch
        {
            "index0" => (long)Index0,
            "index" => (long)Index0 + 1,
            "revindex" => (long)(n - Index0),
            "revindex0" => (long)(n - Index0 - 1),
            "first" => Index0 == 0,
            "last" => Index0 == n - 1,
            "length" => (long)n,
            "depth" => 1L,
            "depth0" => 0L,
            "previtem" => Index0 > 0 ? _items[Index0 - 1] : UndefinedValue.WithHint("there is no previous item"),
            "nextitem" => Index0 + 1 < n ? _items[Index0 + 1] : UndefinedValue.WithHint("there is no next item"),
            "cycle" => new BuiltinFunction("loop.cycle", args =>
            {
                if (args.Positional.Count == 0)
                {
                    throw TemplateValue.Error("TypeError: no items for cycling given");
                }

                return args.Positional[Index0 % args.Positional.Count];
            }),
            _ => UndefinedValue.ForMember(this, name),
        };
    }
}
