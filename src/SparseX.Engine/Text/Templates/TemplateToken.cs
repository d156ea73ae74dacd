namespace SparseX.Engine.Text.Templates;

/// <summary>Kinds of token the template lexer produces (a subset of Jinja's token types).</summary>
internal enum TokenKind
{
    /// <summary>Literal template text, already whitespace-controlled.</summary>
    Text,

    /// <summary><c>{{</c>.</summary>
    VariableBegin,

    /// <summary><c>}}</c>.</summary>
    VariableEnd,

    /// <summary><c>{%</c>.</summary>
    BlockBegin,

    /// <summary><c>%}</c>.</summary>
    BlockEnd,

    /// <summary>An identifier or keyword.</summary>
    Name,

    /// <summary>A string literal; <see cref="TemplateToken.Value"/> is the decoded text.</summary>
    String,

    /// <summary>An integer literal; <see cref="TemplateToken.Literal"/> is a <see cref="long"/>.</summary>
    Integer,

    /// <summary>A float literal; <see cref="TemplateToken.Literal"/> is a <see cref="double"/>.</summary>
    Float,

    /// <summary>An operator or punctuation; <see cref="TemplateToken.Value"/> is its text.</summary>
    Operator,

    /// <summary>End of input.</summary>
    End,
}

/// <summary>One lexer token with the 1-based line it starts on.</summary>
internal readonly record struct TemplateToken(TokenKind Kind, string Value, int Line, object? Literal = null)
{
    /// <summary>Whether this is the operator <paramref name="op"/>.</summary>
    public bool IsOperator(string op) => Kind == TokenKind.Operator && Value == op;

    /// <summary>Whether this is the name (keyword) <paramref name="name"/>.</summary>
    public bool IsName(string name) => Kind == TokenKind.Name && Value == name;

    /// <summary>A short description for error messages.</summary>
    public string Describe() => Kind switch
    {
        TokenKind.End => "end of template",
        TokenKind.Text => "template text",
        TokenKind.VariableBegin => "'{{'",
        TokenKind.VariableEnd => "'}}'",
        TokenKind.BlockBegin => "'{%'",
        TokenKind.BlockEnd => "'%}'",
        TokenKind.String => "string literal",
        _ => $"'{Value}'",
    };
}
