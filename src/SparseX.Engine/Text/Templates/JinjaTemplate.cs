namespace SparseX.Engine.Text.Templates;

/// <summary>
/// A compiled Jinja template, rendered the way Hugging Face transformers renders chat templates
/// (<c>ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)</c> with loop controls, its own
/// <c>tojson</c>, <c>raise_exception</c> and <c>strftime_now</c>).
/// </summary>
/// <remarks>
/// Hand-written because no maintained .NET Jinja implementation is served by the project's NuGet registry (the
/// template engines it serves, Fluid, DotLiquid and Scriban, implement Liquid/Scriban syntax, not Jinja).
/// The interpreter covers the Jinja subset that model chat templates use; anything else fails with a
/// <see cref="TemplateException"/> that names the construct and the template line.
/// </remarks>
internal sealed class JinjaTemplate
{
    private readonly IReadOnlyList<Node> _body;
    private readonly Dictionary<string, object?> _globals;

    /// <summary>Compiles <paramref name="source"/>.</summary>
    /// <exception cref="TemplateException">The source is not valid or uses an unsupported tag, filter or test.</exception>
    public JinjaTemplate(string source, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        _body = TemplateParser.Parse(TemplateLexer.Tokenize(source));
        _globals = TemplateGlobals.Create(clock ?? TimeProvider.System);
    }

    /// <summary>Renders with <paramref name="variables"/>, which must already be template values (see <see cref="TemplateValueConverter"/>).</summary>
    /// <exception cref="TemplateException">Rendering failed.</exception>
    public string Render(IReadOnlyDictionary<string, object?> variables) => TemplateEvaluator.Render(_body, _globals, variables);
}
