namespace SparseX.Engine.Text.Templates;

/// <summary>
/// Recursive-descent parser from tokens to the syntax tree, following jinja2.parser's grammar and operator
/// precedence (filters and tests bind tighter than arithmetic; <c>not x is y</c> is <c>not (x is y)</c>).
/// Tags outside the supported subset fail with <see cref="TemplateErrorKind.Unsupported"/> naming the tag.
/// </summary>
internal sealed class TemplateParser
{
    private static readonly HashSet<string> UnsupportedTags =
        ["block", "extends", "include", "import", "from", "call", "autoescape", "do", "trans", "pluralize", "print", "debug"];

    private static readonly HashSet<string> CompareOperators = ["==", "!=", "<", "<=", ">", ">="];

    private readonly List<TemplateToken> _tokens;
    private int _index;

    private TemplateParser(List<TemplateToken> tokens) => _tokens = tokens;

    private TemplateToken Current => _tokens[_index];

    /// <summary>Parses a whole template.</summary>
    public static IReadOnlyList<Node> Parse(List<TemplateToken> tokens)
    {
        return new TemplateParser(tokens).Subparse([]);
    }

    private static TemplateException Syntax(string message, int line) => new(TemplateErrorKind.Syntax, message, line);

    private TemplateToken Peek(int offset = 1) => _tokens[Math.Min(_index + offset, _tokens.Count - 1)];

    private TemplateToken Next()
    {
        var t = _tokens[_index];
        if (_index < _tokens.Count - 1)
        {
            _index++;
        }

        return t;
    }

    private bool SkipOperator(string op)
    {
        if (Current.IsOperator(op))
        {
            Next();
            return true;
        }

        return false;
    }

    private bool SkipName(string name)
    {
        if (Current.IsName(name))
        {
            Next();
            return true;
        }

        return false;
    }

    private void ExpectOperator(string op)
    {
        if (!SkipOperator(op))
        {
            throw Syntax($"Expected '{op}', got {Current.Describe()}", Current.Line);
        }
    }

    private string ExpectName()
    {
        if (Current.Kind != TokenKind.Name)
        {
            throw Syntax($"Expected a name, got {Current.Describe()}", Current.Line);
        }

        return Next().Value;
    }

    private void ExpectNameKeyword(string name)
    {
        if (!SkipName(name))
        {
            throw Syntax($"Expected '{name}', got {Current.Describe()}", Current.Line);
        }
    }

    private void ExpectBlockEnd()
    {
        if (Current.Kind != TokenKind.BlockEnd)
        {
            throw Syntax($"Expected end of statement '%}}', got {Current.Describe()}", Current.Line);
        }

        Next();
    }

    /// <summary>
    /// Parses nodes until a block tag whose keyword is in <paramref name="endTags"/>; leaves the stream on that
    /// keyword (after the <c>{%</c>).
    /// </summary>
    private List<Node> Subparse(IReadOnlyCollection<string> endTags)
    {
        var body = new List<Node>();
        while (true)
        {
            var t = Current;
            switch (t.Kind)
            {
                case TokenKind.End:
                    if (endTags.Count > 0)
                    {
                        throw Syntax($"Unexpected end of template; expected one of {string.Join(", ", endTags.Select(e => $"'{e}'"))}", t.Line);
                    }

                    return body;
                case TokenKind.Text:
                    Next();
                    body.Add(new TextNode(t.Line, t.Value));
                    break;
                case TokenKind.VariableBegin:
                    Next();
                    var expr = ParseTuple(withCondExpr: true);
                    if (Current.Kind != TokenKind.VariableEnd)
                    {
                        throw Syntax($"Expected end of print statement '}}}}', got {Current.Describe()}", Current.Line);
                    }

                    Next();
                    body.Add(new OutputNode(t.Line, expr));
                    break;
                case TokenKind.BlockBegin:
                    var keyword = Peek();
                    if (keyword.Kind == TokenKind.Name && endTags.Contains(keyword.Value))
                    {
                        Next();
                        return body;
                    }

                    if (keyword.Kind == TokenKind.Name && IsEndKeyword(keyword.Value))
                    {
                        throw Syntax(endTags.Count == 0
                            ? $"Unexpected '{keyword.Value}' tag: no block is open"
                            : $"Unexpected '{keyword.Value}' tag; expected one of {string.Join(", ", endTags.Select(e => $"'{e}'"))}", keyword.Line);
                    }

                    Next();
                    body.Add(ParseStatement());
                    break;
                default:
                    throw Syntax($"Unexpected {t.Describe()}", t.Line);
            }
        }
    }

    private static bool IsEndKeyword(string name) => name.StartsWith("end", StringComparison.Ordinal) || name is "else" or "elif";

    private Node ParseStatement()
    {
        var t = Current;
        if (t.Kind != TokenKind.Name)
        {
            throw Syntax($"Expected a tag name after '{{%', got {t.Describe()}", t.Line);
        }

        Node node;
        switch (t.Value)
        {
            case "if": node = ParseIf(); break;
            case "for": node = ParseFor(); break;
            case "set": node = ParseSet(); break;
            case "macro": node = ParseMacro(); break;
            case "filter": node = ParseFilterBlock(); break;
            case "with": node = ParseWith(); break;
            case "generation": node = ParseGeneration(); break;
            case "break":
                Next();
                node = new BreakNode(t.Line);
                ExpectBlockEnd();
                break;
            case "continue":
                Next();
                node = new ContinueNode(t.Line);
                ExpectBlockEnd();
                break;
            default:
                if (UnsupportedTags.Contains(t.Value))
                {
                    throw new TemplateException(TemplateErrorKind.Unsupported, $"Unsupported tag '{t.Value}'", t.Line);
                }

                throw Syntax($"Encountered unknown tag '{t.Value}'", t.Line);
        }

        return node;
    }

    private Node ParseIf()
    {
        int line = Next().Line;
        var branches = new List<IfBranch>();
        List<Node>? otherwise = null;
        var test = ParseTuple(withCondExpr: false);
        while (true)
        {
            ExpectBlockEnd();
            var body = Subparse(["elif", "else", "endif"]);
            branches.Add(new IfBranch(test, body));
            string tag = Next().Value;
            if (tag == "elif")
            {
                test = ParseTuple(withCondExpr: false);
                continue;
            }

            if (tag == "else")
            {
                ExpectBlockEnd();
                otherwise = Subparse(["endif"]);
                Next();
            }

            ExpectBlockEnd();
            return new IfNode(line, branches, otherwise);
        }
    }

    private Node ParseFor()
    {
        int line = Next().Line;
        var target = ParseAssignTarget(extraEndName: "in", withNamespace: false);
        ExpectNameKeyword("in");
        var iterable = ParseTuple(withCondExpr: false, extraEndName: "recursive");
        Expr? filter = null;
        if (SkipName("if"))
        {
            filter = ParseExpression();
        }

        if (Current.IsName("recursive"))
        {
            throw new TemplateException(TemplateErrorKind.Unsupported, "Unsupported recursive for loop ('for … recursive')", Current.Line);
        }

        ExpectBlockEnd();
        var body = Subparse(["endfor", "else"]);
        List<Node>? otherwise = null;
        if (Next().Value == "else")
        {
            ExpectBlockEnd();
            otherwise = Subparse(["endfor"]);
            Next();
        }

        ExpectBlockEnd();
        return new ForNode(line, target, iterable, filter, body, otherwise);
    }

    private Node ParseSet()
    {
        int line = Next().Line;
        var target = ParseAssignTarget(extraEndName: null, withNamespace: true);
        if (SkipOperator("="))
        {
            var value = ParseTuple(withCondExpr: true);
            ExpectBlockEnd();
            return new SetNode(line, target, value);
        }

        var filters = ParseFilterChain(startInline: false);
        ExpectBlockEnd();
        var body = Subparse(["endset"]);
        Next();
        ExpectBlockEnd();
        return new SetBlockNode(line, target, filters, body);
    }

    private Node ParseMacro()
    {
        int line = Next().Line;
        string name = ExpectName();
        var parameters = new List<MacroParameter>();
        ExpectOperator("(");
        while (!Current.IsOperator(")"))
        {
            if (parameters.Count > 0)
            {
                ExpectOperator(",");
            }

            string param = ExpectName();
            Expr? dflt = null;
            if (SkipOperator("="))
            {
                dflt = ParseExpression();
            }
            else if (parameters.Count > 0 && parameters[^1].Default is not null)
            {
                throw Syntax($"Macro '{name}': non-default argument '{param}' follows a default argument", line);
            }

            parameters.Add(new MacroParameter(param, dflt));
        }

        Next();
        ExpectBlockEnd();
        var body = Subparse(["endmacro"]);
        Next();
        ExpectBlockEnd();
        return new MacroNode(line, name, parameters, body);
    }

    private Node ParseFilterBlock()
    {
        int line = Next().Line;
        var filters = ParseFilterChain(startInline: true);
        ExpectBlockEnd();
        var body = Subparse(["endfilter"]);
        Next();
        ExpectBlockEnd();
        return new FilterBlockNode(line, filters, body);
    }

    private Node ParseWith()
    {
        int line = Next().Line;
        var assignments = new List<WithAssignment>();
        while (Current.Kind != TokenKind.BlockEnd)
        {
            if (assignments.Count > 0)
            {
                ExpectOperator(",");
            }

            var target = ParseAssignTarget(extraEndName: null, withNamespace: false);
            ExpectOperator("=");
            assignments.Add(new WithAssignment(target, ParseExpression()));
        }

        ExpectBlockEnd();
        var body = Subparse(["endwith"]);
        Next();
        ExpectBlockEnd();
        return new WithNode(line, assignments, body);
    }

    // transformers' AssistantTracker extension: {% generation %}…{% endgeneration %} renders its body unchanged.
    private Node ParseGeneration()
    {
        int line = Next().Line;
        ExpectBlockEnd();
        var body = Subparse(["endgeneration"]);
        Next();
        ExpectBlockEnd();
        return new WithNode(line, [], body);
    }

    private Expr ParseAssignTarget(string? extraEndName, bool withNamespace)
    {
        int line = Current.Line;
        if (withNamespace && Current.Kind == TokenKind.Name && Peek().IsOperator("."))
        {
            string name = Next().Value;
            Next();
            return new NamespaceRefExpr(line, name, ExpectName());
        }

        var target = ParseTuple(withCondExpr: false, extraEndName: extraEndName, simplified: true);
        bool assignable = target switch
        {
            NameExpr n => !IsReservedName(n.Name),
            TupleExpr tuple => tuple.Items.All(i => i is NameExpr n && !IsReservedName(n.Name)),
            _ => false,
        };
        if (!assignable)
        {
            throw Syntax("Can't assign to this expression (only names, tuples of names and namespace attributes)", line);
        }

        return target;
    }

    private static bool IsReservedName(string name) => name is "true" or "false" or "none" or "True" or "False" or "None";

    private bool IsTupleEnd(string? extraEndName) =>
        Current.Kind is TokenKind.VariableEnd or TokenKind.BlockEnd or TokenKind.End
        || Current.IsOperator(")")
        || (extraEndName is not null && Current.IsName(extraEndName));

    private Expr ParseTuple(bool withCondExpr, string? extraEndName = null, bool simplified = false, bool explicitParentheses = false)
    {
        int line = Current.Line;
        var items = new List<Expr>();
        bool isTuple = false;
        while (true)
        {
            if (items.Count > 0)
            {
                ExpectOperator(",");
            }

            if (IsTupleEnd(extraEndName))
            {
                break;
            }

            items.Add(simplified ? ParsePrimary() : withCondExpr ? ParseExpression() : ParseOr());
            if (Current.IsOperator(","))
            {
                isTuple = true;
            }
            else
            {
                break;
            }
        }

        if (!isTuple)
        {
            if (items.Count > 0)
            {
                return items[0];
            }

            if (!explicitParentheses)
            {
                throw Syntax($"Expected an expression, got {Current.Describe()}", Current.Line);
            }
        }

        return new TupleExpr(line, items);
    }

    private Expr ParseExpression() => ParseConditional();

    private Expr ParseConditional()
    {
        var expr = ParseOr();
        while (Current.IsName("if"))
        {
            int line = Next().Line;
            var test = ParseOr();
            Expr? otherwise = SkipName("else") ? ParseConditional() : null;
            expr = new ConditionalExpr(line, test, expr, otherwise);
        }

        return expr;
    }

    private Expr ParseOr()
    {
        var left = ParseAnd();
        while (Current.IsName("or"))
        {
            int line = Next().Line;
            left = new BinaryExpr(line, "or", left, ParseAnd());
        }

        return left;
    }

    private Expr ParseAnd()
    {
        var left = ParseNot();
        while (Current.IsName("and"))
        {
            int line = Next().Line;
            left = new BinaryExpr(line, "and", left, ParseNot());
        }

        return left;
    }

    private Expr ParseNot()
    {
        if (Current.IsName("not"))
        {
            int line = Next().Line;
            return new UnaryExpr(line, "not", ParseNot());
        }

        return ParseCompare();
    }

    private Expr ParseCompare()
    {
        int line = Current.Line;
        var first = ParseMath1();
        var steps = new List<CompareStep>();
        while (true)
        {
            if (Current.Kind == TokenKind.Operator && CompareOperators.Contains(Current.Value))
            {
                string op = Next().Value;
                steps.Add(new CompareStep(op, ParseMath1()));
            }
            else if (SkipName("in"))
            {
                steps.Add(new CompareStep("in", ParseMath1()));
            }
            else if (Current.IsName("not") && Peek().IsName("in"))
            {
                Next();
                Next();
                steps.Add(new CompareStep("notin", ParseMath1()));
            }
            else
            {
                break;
            }
        }

        return steps.Count == 0 ? first : new CompareExpr(line, first, steps);
    }

    private Expr ParseMath1()
    {
        var left = ParseConcat();
        while (Current.IsOperator("+") || Current.IsOperator("-"))
        {
            var op = Next();
            left = new BinaryExpr(op.Line, op.Value, left, ParseConcat());
        }

        return left;
    }

    private Expr ParseConcat()
    {
        int line = Current.Line;
        var parts = new List<Expr> { ParseMath2() };
        while (SkipOperator("~"))
        {
            parts.Add(ParseMath2());
        }

        return parts.Count == 1 ? parts[0] : new ConcatExpr(line, parts);
    }

    private Expr ParseMath2()
    {
        var left = ParsePow();
        while (Current.Kind == TokenKind.Operator && Current.Value is "*" or "/" or "//" or "%")
        {
            var op = Next();
            left = new BinaryExpr(op.Line, op.Value, left, ParsePow());
        }

        return left;
    }

    private Expr ParsePow()
    {
        var left = ParseUnary(withFilter: true);
        while (Current.IsOperator("**"))
        {
            var op = Next();
            left = new BinaryExpr(op.Line, "**", left, ParseUnary(withFilter: true));
        }

        return left;
    }

    private Expr ParseUnary(bool withFilter)
    {
        Expr node;
        if (Current.IsOperator("-") || Current.IsOperator("+"))
        {
            var op = Next();
            node = new UnaryExpr(op.Line, op.Value, ParseUnary(withFilter: false));
        }
        else
        {
            node = ParsePrimary();
        }

        node = ParsePostfix(node);
        return withFilter ? ParseFilterExpr(node) : node;
    }

    private Expr ParsePrimary()
    {
        var t = Current;
        switch (t.Kind)
        {
            case TokenKind.Name:
                Next();
                return t.Value switch
                {
                    "true" or "True" => new ConstExpr(t.Line, true),
                    "false" or "False" => new ConstExpr(t.Line, false),
                    "none" or "None" => new ConstExpr(t.Line, null),
                    _ => new NameExpr(t.Line, t.Value),
                };
            case TokenKind.String:
                Next();
                string s = t.Value;
                while (Current.Kind == TokenKind.String)
                {
                    s += Next().Value;
                }

                return new ConstExpr(t.Line, s);
            case TokenKind.Integer:
            case TokenKind.Float:
                Next();
                return new ConstExpr(t.Line, t.Literal);
            case TokenKind.Operator when t.Value == "(":
                Next();
                var inner = ParseTuple(withCondExpr: true, explicitParentheses: true);
                ExpectOperator(")");
                return inner;
            case TokenKind.Operator when t.Value == "[":
                return ParseList();
            case TokenKind.Operator when t.Value == "{":
                return ParseDict();
            default:
                throw Syntax($"Unexpected {t.Describe()}", t.Line);
        }
    }

    private Expr ParseList()
    {
        int line = Next().Line;
        var items = new List<Expr>();
        while (!Current.IsOperator("]"))
        {
            if (items.Count > 0)
            {
                ExpectOperator(",");
            }

            if (Current.IsOperator("]"))
            {
                break;
            }

            items.Add(ParseExpression());
        }

        Next();
        return new ListExpr(line, items);
    }

    private Expr ParseDict()
    {
        int line = Next().Line;
        var entries = new List<DictEntry>();
        while (!Current.IsOperator("}"))
        {
            if (entries.Count > 0)
            {
                ExpectOperator(",");
            }

            if (Current.IsOperator("}"))
            {
                break;
            }

            var key = ParseExpression();
            ExpectOperator(":");
            entries.Add(new DictEntry(key, ParseExpression()));
        }

        Next();
        return new DictExpr(line, entries);
    }

    private Expr ParsePostfix(Expr node)
    {
        while (true)
        {
            if (Current.IsOperator(".") || Current.IsOperator("["))
            {
                node = ParseSubscript(node);
            }
            else if (Current.IsOperator("("))
            {
                int line = Current.Line;
                node = new CallExpr(line, node, ParseCallArguments());
            }
            else
            {
                return node;
            }
        }
    }

    private Expr ParseFilterExpr(Expr node)
    {
        while (true)
        {
            if (Current.IsOperator("|"))
            {
                foreach (var f in ParseFilterChain(startInline: false))
                {
                    node = new FilterExpr(f.Line, node, f);
                }
            }
            else if (Current.IsName("is"))
            {
                node = ParseTest(node);
            }
            else if (Current.IsOperator("("))
            {
                int line = Current.Line;
                node = new CallExpr(line, node, ParseCallArguments());
            }
            else
            {
                return node;
            }
        }
    }

    private Expr ParseSubscript(Expr node)
    {
        var t = Next();
        if (t.Value == ".")
        {
            var attr = Current;
            if (attr.Kind == TokenKind.Name)
            {
                Next();
                return new GetAttrExpr(t.Line, node, attr.Value);
            }

            if (attr.Kind == TokenKind.Integer)
            {
                Next();
                return new GetItemExpr(t.Line, node, new ConstExpr(attr.Line, attr.Literal));
            }

            throw Syntax($"Expected a name or number after '.', got {attr.Describe()}", attr.Line);
        }

        var args = new List<Expr>();
        while (!Current.IsOperator("]"))
        {
            if (args.Count > 0)
            {
                ExpectOperator(",");
            }

            args.Add(ParseSubscribed());
        }

        Next();
        Expr key = args.Count == 1 ? args[0] : new TupleExpr(t.Line, args);
        return new GetItemExpr(t.Line, node, key);
    }

    private Expr ParseSubscribed()
    {
        int line = Current.Line;
        Expr? start = null;
        if (!Current.IsOperator(":"))
        {
            var expr = ParseExpression();
            if (!Current.IsOperator(":"))
            {
                return expr;
            }

            start = expr;
        }

        Next();
        Expr? stop = null, step = null;
        if (!Current.IsOperator("]") && !Current.IsOperator(",") && !Current.IsOperator(":"))
        {
            stop = ParseExpression();
        }

        if (SkipOperator(":") && !Current.IsOperator("]") && !Current.IsOperator(","))
        {
            step = ParseExpression();
        }

        return new SliceExpr(line, start, stop, step);
    }

    private CallArguments ParseCallArguments()
    {
        ExpectOperator("(");
        var positional = new List<Expr>();
        var keywords = new List<KeywordArgument>();
        bool requireComma = false;
        while (!Current.IsOperator(")"))
        {
            if (requireComma)
            {
                ExpectOperator(",");
                if (Current.IsOperator(")"))
                {
                    break;
                }
            }

            if (Current.IsOperator("*") || Current.IsOperator("**"))
            {
                throw new TemplateException(TemplateErrorKind.Unsupported, $"Unsupported argument unpacking '{Current.Value}' in a call", Current.Line);
            }

            if (Current.Kind == TokenKind.Name && Peek().IsOperator("="))
            {
                string key = Next().Value;
                Next();
                keywords.Add(new KeywordArgument(key, ParseExpression()));
            }
            else
            {
                if (keywords.Count > 0)
                {
                    throw Syntax("Positional argument after keyword argument", Current.Line);
                }

                positional.Add(ParseExpression());
            }

            requireComma = true;
        }

        Next();
        return new CallArguments(positional, keywords);
    }

    private List<FilterSpec> ParseFilterChain(bool startInline)
    {
        var filters = new List<FilterSpec>();
        while (Current.IsOperator("|") || startInline)
        {
            if (!startInline)
            {
                Next();
            }

            startInline = false;
            int line = Current.Line;
            string name = ExpectName();
            while (SkipOperator("."))
            {
                name += "." + ExpectName();
            }

            if (!TemplateFilters.IsKnown(name))
            {
                throw Syntax($"No filter named '{name}'", line);
            }

            var args = Current.IsOperator("(") ? ParseCallArguments() : CallArguments.None;
            filters.Add(new FilterSpec(line, name, args));
        }

        return filters;
    }

    private Expr ParseTest(Expr node)
    {
        int line = Next().Line;
        bool negated = SkipName("not");
        string name = ExpectName();
        while (SkipOperator("."))
        {
            name += "." + ExpectName();
        }

        if (!TemplateTests.Exists(name))
        {
            throw Syntax($"No test named '{name}'", line);
        }

        CallArguments args;
        if (Current.IsOperator("("))
        {
            args = ParseCallArguments();
        }
        else if ((Current.Kind is TokenKind.Name or TokenKind.String or TokenKind.Integer or TokenKind.Float
                  || Current.IsOperator("(") || Current.IsOperator("[") || Current.IsOperator("{"))
                 && !Current.IsName("else") && !Current.IsName("or") && !Current.IsName("and"))
        {
            if (Current.IsName("is"))
            {
                throw Syntax("You cannot chain multiple tests with 'is'", Current.Line);
            }

            var arg = ParsePostfix(ParsePrimary());
            args = new CallArguments([arg], []);
        }
        else
        {
            args = CallArguments.None;
        }

        return new TestExpr(line, node, name, args, negated);
    }
}
