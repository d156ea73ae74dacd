using System.Text;

namespace SparseX.Engine.Text.Templates;

/// <summary>
/// Walks the syntax tree and writes the output. Scoping follows Jinja: the template body is one scope, each
/// <c>for</c> iteration, macro call and <c>with</c> block gets its own (so a <c>set</c> inside a loop does not
/// leak out), <c>if</c> does not create one, and only <c>namespace()</c> attributes can carry values out of a loop.
/// </summary>
internal sealed class TemplateEvaluator
{
    private enum Flow
    {
        Normal,
        Break,
        Continue,
    }

    private sealed class Scope(Scope? parent)
    {
        public Dictionary<string, object?> Variables { get; } = new(StringComparer.Ordinal);

        public Scope? Parent => parent;

        public bool TryGet(string name, out object? value)
        {
            for (var s = this; s is not null; s = s.Parent)
            {
                if (s.Variables.TryGetValue(name, out value))
                {
                    return true;
                }
            }

            value = null;
            return false;
        }
    }

    private sealed class Macro(TemplateEvaluator owner, MacroNode node, Scope scope) : TemplateCallable
    {
        public override string Name => node.Name;

        public override object? Invoke(CallValues args)
        {
            if (args.Positional.Count > node.Parameters.Count)
            {
                throw TemplateValue.Error($"TypeError: macro '{node.Name}' takes not more than {node.Parameters.Count} argument(s)");
            }

            var local = new Scope(scope);
            for (int i = 0; i < node.Parameters.Count; i++)
            {
                var p = node.Parameters[i];
                var keyword = args.Keywords.FirstOrDefault(k => k.Key == p.Name);
                if (i < args.Positional.Count)
                {
                    if (keyword.Key is not null)
                    {
                        throw TemplateValue.Error($"TypeError: macro '{node.Name}' got multiple values for argument '{p.Name}'");
                    }

                    local.Variables[p.Name] = args.Positional[i];
                }
                else if (keyword.Key is not null)
                {
                    local.Variables[p.Name] = keyword.Value;
                }
                else
                {
                    local.Variables[p.Name] = p.Default is null
                        ? UndefinedValue.WithHint($"parameter '{p.Name}' was not provided")
                        : owner.Eval(p.Default, local);
                }
            }

            foreach (var (key, _) in args.Keywords)
            {
                if (!node.Parameters.Any(p => p.Name == key))
                {
                    throw TemplateValue.Error($"TypeError: macro '{node.Name}' takes no keyword argument '{key}'");
                }
            }

            var output = new StringBuilder();
            owner.Execute(node.Body, local, output, inLoop: false);
            return output.ToString();
        }
    }

    private readonly IReadOnlyDictionary<string, object?> _globals;

    private TemplateEvaluator(IReadOnlyDictionary<string, object?> globals) => _globals = globals;

    /// <summary>Renders <paramref name="body"/> with <paramref name="variables"/> (template values) over <paramref name="globals"/>.</summary>
    public static string Render(IReadOnlyList<Node> body, IReadOnlyDictionary<string, object?> globals, IReadOnlyDictionary<string, object?> variables)
    {
        var evaluator = new TemplateEvaluator(globals);
        var root = new Scope(null);
        foreach (var (name, value) in variables)
        {
            root.Variables[name] = value;
        }

        var output = new StringBuilder();
        evaluator.Execute(body, root, output, inLoop: false);
        return output.ToString();
    }

    private Flow Execute(IReadOnlyList<Node> nodes, Scope scope, StringBuilder output, bool inLoop)
    {
        foreach (var node in nodes)
        {
            Flow flow;
            try
            {
                flow = ExecuteOne(node, scope, output, inLoop);
            }
            catch (TemplateException e) when (e.Line is null)
            {
                throw e.WithLine(node.Line);
            }

            if (flow != Flow.Normal)
            {
                return flow;
            }
        }

        return Flow.Normal;
    }

    private Flow ExecuteOne(Node node, Scope scope, StringBuilder output, bool inLoop)
    {
        switch (node)
        {
            case TextNode text:
                output.Append(text.Text);
                return Flow.Normal;
            case OutputNode o:
                output.Append(TemplateValue.ToStr(Eval(o.Value, scope)));
                return Flow.Normal;
            case IfNode ifNode:
                foreach (var branch in ifNode.Branches)
                {
                    if (TemplateValue.IsTrue(Eval(branch.Test, scope)))
                    {
                        return Execute(branch.Body, scope, output, inLoop);
                    }
                }

                return ifNode.Else is null ? Flow.Normal : Execute(ifNode.Else, scope, output, inLoop);
            case ForNode forNode:
                ExecuteFor(forNode, scope, output);
                return Flow.Normal;
            case SetNode set:
                Assign(set.Target, Eval(set.Value, scope), scope);
                return Flow.Normal;
            case SetBlockNode setBlock:
                var captured = new StringBuilder();
                Execute(setBlock.Body, scope, captured, inLoop: false);
                Assign(setBlock.Target, ApplyFilters(setBlock.Filters, captured.ToString(), scope), scope);
                return Flow.Normal;
            case MacroNode macro:
                scope.Variables[macro.Name] = new Macro(this, macro, scope);
                return Flow.Normal;
            case FilterBlockNode filterBlock:
                var body = new StringBuilder();
                Execute(filterBlock.Body, scope, body, inLoop: false);
                output.Append(TemplateValue.ToStr(ApplyFilters(filterBlock.Filters, body.ToString(), scope)));
                return Flow.Normal;
            case WithNode with:
                var inner = new Scope(scope);
                foreach (var assignment in with.Assignments)
                {
                    Assign(assignment.Target, Eval(assignment.Value, scope), inner);
                }

                return Execute(with.Body, inner, output, inLoop);
            case BreakNode or ContinueNode:
                if (!inLoop)
                {
                    throw new TemplateException(TemplateErrorKind.Syntax, $"'{(node is BreakNode ? "break" : "continue")}' outside a for loop");
                }

                return node is BreakNode ? Flow.Break : Flow.Continue;
            default:
                throw new TemplateException(TemplateErrorKind.Unsupported, $"Unsupported statement {node.GetType().Name}");
        }
    }

    private void ExecuteFor(ForNode node, Scope scope, StringBuilder output)
    {
        var source = TemplateValue.Iterate(Eval(node.Iterable, scope));
        var items = new List<object?>(source.Count);
        foreach (var item in source)
        {
            if (node.Filter is null)
            {
                items.Add(item);
                continue;
            }

            var probe = new Scope(scope);
            Assign(node.Target, item, probe);
            if (TemplateValue.IsTrue(Eval(node.Filter, probe)))
            {
                items.Add(item);
            }
        }

        if (items.Count == 0)
        {
            if (node.Else is not null)
            {
                Execute(node.Else, scope, output, inLoop: false);
            }

            return;
        }

        var loop = new LoopInfo(items);
        for (int i = 0; i < items.Count; i++)
        {
            loop.Index0 = i;
            var iteration = new Scope(scope);
            Assign(node.Target, items[i], iteration);
            iteration.Variables["loop"] = loop;
            if (Execute(node.Body, iteration, output, inLoop: true) == Flow.Break)
            {
                break;
            }
        }
    }

    private void Assign(Expr target, object? value, Scope scope)
    {
        switch (target)
        {
            case NameExpr name:
                scope.Variables[name.Name] = value;
                break;
            case TupleExpr tuple:
                var values = TemplateValue.Iterate(TemplateValue.Defined(value));
                if (values.Count != tuple.Items.Count)
                {
                    throw TemplateValue.Error(values.Count > tuple.Items.Count
                        ? $"ValueError: too many values to unpack (expected {tuple.Items.Count})"
                        : $"ValueError: not enough values to unpack (expected {tuple.Items.Count}, got {values.Count})");
                }

                for (int i = 0; i < values.Count; i++)
                {
                    Assign(tuple.Items[i], values[i], scope);
                }

                break;
            case NamespaceRefExpr reference:
                if (!scope.TryGet(reference.Name, out var ns) || ns is not NamespaceValue namespaceValue)
                {
                    throw TemplateValue.Error($"Cannot assign attribute '{reference.Attribute}' on non-namespace object '{reference.Name}'");
                }

                namespaceValue.Attributes[reference.Attribute] = value;
                break;
            default:
                throw new TemplateException(TemplateErrorKind.Syntax, "Invalid assignment target", target.Line);
        }
    }

    private object? ApplyFilters(IReadOnlyList<FilterSpec> filters, object? value, Scope scope)
    {
        foreach (var f in filters)
        {
            value = TemplateFilters.Apply(f.Name, value, EvalArguments(f.Arguments, scope));
        }

        return value;
    }

    private CallValues EvalArguments(CallArguments args, Scope scope)
    {
        if (args.Positional.Count == 0 && args.Keywords.Count == 0)
        {
            return new CallValues([], []);
        }

        var positional = new List<object?>(args.Positional.Count);
        foreach (var p in args.Positional)
        {
            positional.Add(Eval(p, scope));
        }

        var keywords = new List<KeyValuePair<string, object?>>(args.Keywords.Count);
        foreach (var k in args.Keywords)
        {
            keywords.Add(new KeyValuePair<string, object?>(k.Name, Eval(k.Value, scope)));
        }

        return new CallValues(positional, keywords);
    }

    private object? Lookup(string name, Scope scope) =>
        scope.TryGet(name, out var value) ? value
        : _globals.TryGetValue(name, out var global) ? global
        : UndefinedValue.ForName(name);

    private object? Eval(Expr expr, Scope scope)
    {
        try
        {
            return EvalCore(expr, scope);
        }
        catch (TemplateException e) when (e.Line is null)
        {
            throw e.WithLine(expr.Line);
        }
    }

    private object? EvalCore(Expr expr, Scope scope)
    {
        switch (expr)
        {
            case ConstExpr c:
                return c.Value;
            case NameExpr n:
                return Lookup(n.Name, scope);
            case GetAttrExpr g:
                return TemplateValue.GetAttr(Eval(g.Target, scope), g.Name);
            case GetItemExpr g:
                var target = Eval(g.Target, scope);
                return TemplateValue.GetItem(target, g.Key is SliceExpr slice ? EvalSlice(slice, scope) : Eval(g.Key, scope));
            case FilterExpr f:
                return TemplateFilters.Apply(f.Filter.Name, Eval(f.Value, scope), EvalArguments(f.Filter.Arguments, scope));
            case TestExpr t:
                bool passed = TemplateTests.Apply(t.Name, Eval(t.Value, scope), EvalArguments(t.Arguments, scope));
                return passed != t.Negated;
            case CallExpr call:
                var callee = Eval(call.Callee, scope);
                var args = EvalArguments(call.Arguments, scope);
                return callee switch
                {
                    TemplateCallable callable => callable.Invoke(args),
                    UndefinedValue u => throw u.Error(),
                    _ => throw TemplateValue.Error($"TypeError: '{TemplateValue.TypeName(callee)}' object is not callable"),
                };
            case UnaryExpr u:
                var operand = Eval(u.Operand, scope);
                return u.Operator switch
                {
                    "not" => !TemplateValue.IsTrue(operand),
                    "-" => TemplateValue.Negate(operand),
                    _ => TemplateValue.IsNumber(TemplateValue.Defined(operand))
                        ? operand is bool b ? (b ? 1L : 0L) : operand
                        : throw TemplateValue.Error($"TypeError: bad operand type for unary +: '{TemplateValue.TypeName(operand)}'"),
                };
            case BinaryExpr b:
                return EvalBinary(b, scope);
            case ConcatExpr c:
                var sb = new StringBuilder();
                foreach (var part in c.Parts)
                {
                    sb.Append(TemplateValue.ToStr(Eval(part, scope)));
                }

                return sb.ToString();
            case CompareExpr c:
                var left = Eval(c.First, scope);
                foreach (var step in c.Steps)
                {
                    var right = Eval(step.Right, scope);
                    if (!Compare(step.Operator, left, right))
                    {
                        return false;
                    }

                    left = right;
                }

                return true;
            case ConditionalExpr c:
                if (TemplateValue.IsTrue(Eval(c.Test, scope)))
                {
                    return Eval(c.Then, scope);
                }

                return c.Otherwise is null
                    ? UndefinedValue.WithHint($"the inline if-expression on line {c.Line} evaluated to false and no else section was defined.")
                    : Eval(c.Otherwise, scope);
            case ListExpr l:
                return l.Items.Select(i => Eval(i, scope)).ToList();
            case TupleExpr t:
                return t.Items.Select(i => Eval(i, scope)).ToArray();
            case DictExpr d:
                var dict = TemplateValue.NewDict();
                foreach (var entry in d.Entries)
                {
                    var key = Eval(entry.Key, scope);
                    if (key is null || !TemplateValue.IsHashable(key))
                    {
                        throw key is null
                            ? new TemplateException(TemplateErrorKind.Unsupported, "None as a dict key is not supported")
                            : TemplateValue.Error($"TypeError: unhashable type: '{TemplateValue.TypeName(key)}'");
                    }

                    dict[key] = Eval(entry.Value, scope);
                }

                return dict;
            case SliceExpr:
                throw new TemplateException(TemplateErrorKind.Syntax, "A slice is only valid inside brackets");
            default:
                throw new TemplateException(TemplateErrorKind.Unsupported, $"Unsupported expression {expr.GetType().Name}");
        }
    }

    private SliceValue EvalSlice(SliceExpr slice, Scope scope)
    {
        long? Part(Expr? e)
        {
            if (e is null)
            {
                return null;
            }

            var v = Eval(e, scope);
            return v is null ? null : TemplateValue.IsInt(v) ? TemplateValue.AsLong(v)
                : throw TemplateValue.Error("TypeError: slice indices must be integers or None");
        }

        return new SliceValue(Part(slice.Start), Part(slice.Stop), Part(slice.Step));
    }

    private object? EvalBinary(BinaryExpr b, Scope scope)
    {
        var left = Eval(b.Left, scope);
        switch (b.Operator)
        {
            case "and":
                return TemplateValue.IsTrue(left) ? Eval(b.Right, scope) : left;
            case "or":
                return TemplateValue.IsTrue(left) ? left : Eval(b.Right, scope);
        }

        var right = Eval(b.Right, scope);
        return b.Operator switch
        {
            "+" => TemplateValue.Add(left, right),
            "-" => TemplateValue.Subtract(left, right),
            "*" => TemplateValue.Multiply(left, right),
            "/" => TemplateValue.Divide(left, right),
            "//" => TemplateValue.FloorDivide(left, right),
            "%" => TemplateValue.Modulo(left, right),
            "**" => TemplateValue.Power(left, right),
            _ => throw new TemplateException(TemplateErrorKind.Unsupported, $"Unsupported operator '{b.Operator}'"),
        };
    }

    private static bool Compare(string op, object? left, object? right) => op switch
    {
        "==" => TemplateValue.PyEquals(left, right),
        "!=" => !TemplateValue.PyEquals(left, right),
        "<" => TemplateValue.Compare(left, right, op) < 0,
        "<=" => TemplateValue.Compare(left, right, op) <= 0,
        ">" => TemplateValue.Compare(left, right, op) > 0,
        ">=" => TemplateValue.Compare(left, right, op) >= 0,
        "in" => TemplateValue.Contains(right, left),
        "notin" => !TemplateValue.Contains(right, left),
        _ => throw new TemplateException(TemplateErrorKind.Unsupported, $"Unsupported comparison '{op}'"),
    };
}
