namespace SparseX.Engine.Text.Templates;

// The template syntax tree: statements (Node) and expressions (Expr), each with its 1-based source line.
// It mirrors the subset of jinja2.nodes that the parser accepts.

/// <summary>A statement or text run in a template body.</summary>
internal abstract record Node(int Line);

/// <summary>Literal template text.</summary>
internal sealed record TextNode(int Line, string Text) : Node(Line);

/// <summary><c>{{ expr }}</c>.</summary>
internal sealed record OutputNode(int Line, Expr Value) : Node(Line);

/// <summary>One <c>if</c>/<c>elif</c> test and its body.</summary>
internal sealed record IfBranch(Expr Test, IReadOnlyList<Node> Body);

/// <summary><c>{% if %}…{% elif %}…{% else %}…{% endif %}</c>.</summary>
internal sealed record IfNode(int Line, IReadOnlyList<IfBranch> Branches, IReadOnlyList<Node>? Else) : Node(Line);

/// <summary><c>{% for target in iter if filter %}…{% else %}…{% endfor %}</c>.</summary>
internal sealed record ForNode(int Line, Expr Target, Expr Iterable, Expr? Filter, IReadOnlyList<Node> Body, IReadOnlyList<Node>? Else)
    : Node(Line);

/// <summary><c>{% set target = value %}</c>; target is a name, a tuple of names or a namespace attribute.</summary>
internal sealed record SetNode(int Line, Expr Target, Expr Value) : Node(Line);

/// <summary><c>{% set target | filters %}…{% endset %}</c>.</summary>
internal sealed record SetBlockNode(int Line, Expr Target, IReadOnlyList<FilterSpec> Filters, IReadOnlyList<Node> Body) : Node(Line);

/// <summary>A macro parameter with its optional default.</summary>
internal sealed record MacroParameter(string Name, Expr? Default);

/// <summary><c>{% macro name(params) %}…{% endmacro %}</c>.</summary>
internal sealed record MacroNode(int Line, string Name, IReadOnlyList<MacroParameter> Parameters, IReadOnlyList<Node> Body) : Node(Line);

/// <summary><c>{% break %}</c> (loopcontrols extension).</summary>
internal sealed record BreakNode(int Line) : Node(Line);

/// <summary><c>{% continue %}</c> (loopcontrols extension).</summary>
internal sealed record ContinueNode(int Line) : Node(Line);

/// <summary><c>{% filter name(args) | … %}…{% endfilter %}</c>.</summary>
internal sealed record FilterBlockNode(int Line, IReadOnlyList<FilterSpec> Filters, IReadOnlyList<Node> Body) : Node(Line);

/// <summary>One <c>{% with %}</c> assignment.</summary>
internal sealed record WithAssignment(Expr Target, Expr Value);

/// <summary><c>{% with a = 1 %}…{% endwith %}</c>: assignments visible only inside the body.</summary>
internal sealed record WithNode(int Line, IReadOnlyList<WithAssignment> Assignments, IReadOnlyList<Node> Body) : Node(Line);

/// <summary>An expression.</summary>
internal abstract record Expr(int Line);

/// <summary>A literal value (already in template value form).</summary>
internal sealed record ConstExpr(int Line, object? Value) : Expr(Line);

/// <summary>A variable reference.</summary>
internal sealed record NameExpr(int Line, string Name) : Expr(Line);

/// <summary><c>ns.attr</c> as an assignment target.</summary>
internal sealed record NamespaceRefExpr(int Line, string Name, string Attribute) : Expr(Line);

/// <summary><c>[a, b]</c>.</summary>
internal sealed record ListExpr(int Line, IReadOnlyList<Expr> Items) : Expr(Line);

/// <summary><c>(a, b)</c> or <c>a, b</c>.</summary>
internal sealed record TupleExpr(int Line, IReadOnlyList<Expr> Items) : Expr(Line);

/// <summary>A dict literal entry.</summary>
internal sealed record DictEntry(Expr Key, Expr Value);

/// <summary><c>{k: v}</c>.</summary>
internal sealed record DictExpr(int Line, IReadOnlyList<DictEntry> Entries) : Expr(Line);

/// <summary><c>obj.name</c>.</summary>
internal sealed record GetAttrExpr(int Line, Expr Target, string Name) : Expr(Line);

/// <summary><c>obj[key]</c> (key may be a <see cref="SliceExpr"/>).</summary>
internal sealed record GetItemExpr(int Line, Expr Target, Expr Key) : Expr(Line);

/// <summary><c>start:stop:step</c> inside brackets.</summary>
internal sealed record SliceExpr(int Line, Expr? Start, Expr? Stop, Expr? Step) : Expr(Line);

/// <summary>A keyword argument.</summary>
internal sealed record KeywordArgument(string Name, Expr Value);

/// <summary>Call arguments: positional then keyword.</summary>
internal sealed record CallArguments(IReadOnlyList<Expr> Positional, IReadOnlyList<KeywordArgument> Keywords)
{
    /// <summary>No arguments.</summary>
    public static readonly CallArguments None = new([], []);
}

/// <summary><c>callee(args)</c>.</summary>
internal sealed record CallExpr(int Line, Expr Callee, CallArguments Arguments) : Expr(Line);

/// <summary>A filter name with its arguments.</summary>
internal sealed record FilterSpec(int Line, string Name, CallArguments Arguments);

/// <summary><c>value | filter(args)</c>.</summary>
internal sealed record FilterExpr(int Line, Expr Value, FilterSpec Filter) : Expr(Line);

/// <summary><c>value is [not] test(args)</c>.</summary>
internal sealed record TestExpr(int Line, Expr Value, string Name, CallArguments Arguments, bool Negated) : Expr(Line);

/// <summary><c>not x</c>, <c>-x</c>, <c>+x</c>.</summary>
internal sealed record UnaryExpr(int Line, string Operator, Expr Operand) : Expr(Line);

/// <summary>A binary operator: <c>and or + - * / // % **</c>.</summary>
internal sealed record BinaryExpr(int Line, string Operator, Expr Left, Expr Right) : Expr(Line);

/// <summary><c>a ~ b ~ c</c>.</summary>
internal sealed record ConcatExpr(int Line, IReadOnlyList<Expr> Parts) : Expr(Line);

/// <summary>One comparison step: operator (<c>== != &lt; &lt;= &gt; &gt;= in notin</c>) and right operand.</summary>
internal sealed record CompareStep(string Operator, Expr Right);

/// <summary>A (possibly chained) comparison.</summary>
internal sealed record CompareExpr(int Line, Expr First, IReadOnlyList<CompareStep> Steps) : Expr(Line);

/// <summary><c>then if test else otherwise</c>; a missing else yields undefined.</summary>
internal sealed record ConditionalExpr(int Line, Expr Test, Expr Then, Expr? Otherwise) : Expr(Line);
