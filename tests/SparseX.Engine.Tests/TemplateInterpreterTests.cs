using SparseX.Engine.Text.Templates;

namespace SparseX.Engine.Tests;

/// <summary>
/// The Jinja interpreter against Jinja itself: every expected string below is what jinja2 3.1.6 renders with
/// transformers' settings (ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True), loopcontrols,
/// transformers' tojson), with the variable x = 1.
/// </summary>
public class TemplateInterpreterTests
{
    private static string Render(string source, IReadOnlyDictionary<string, object?>? variables = null, TimeProvider? clock = null) =>
        new JinjaTemplate(source, clock).Render(variables ?? new Dictionary<string, object?> { ["x"] = 1L });

    /// <summary>trim_blocks, lstrip_blocks, <c>-</c>/<c>+</c> modifiers, comments, raw, trailing newline.</summary>
    [Theory]
    [InlineData("{% if true %}\nA\n{% endif %}\nB", "A\nB")]
    [InlineData("  {% if true %}\n  x\n  {% endif %}\ny", "  x\ny")]
    [InlineData("a  {%- if true -%}  \n b \n  {%- endif %}  c", "ab  c")]
    [InlineData("<{{- ' a ' -}}>\n  <{{ 'b' }}>", "< a >\n  <b>")]
    [InlineData("  {%+ if true %}x{% endif %}", "  x")]
    [InlineData("{% if true +%}\nx{% endif %}", "\nx")]
    [InlineData("a {# note #}\nb\n   {# own line #}\nc", "a b\nc")]
    [InlineData("{% raw %}{{ not rendered }}{% endraw %}", "{{ not rendered }}")]
    [InlineData("line\n", "line")]
    [InlineData("x {{ 1 }}\n{{ 2 }}\n", "x 1\n2")]
    [InlineData("a\n  {#- c -#}\n  b", "ab")]
    [InlineData("a\n\t{% if true %}\n\tb\n\t{% endif %}\nc", "a\n\tb\nc")]
    [InlineData("x  {{- 1 }}  {{ 2 -}}  \n y", "x1  2y")]
    [InlineData("{%- if true %} a {% endif -%}\n\n b", " a b")]
    [InlineData("  text {% if true %}x{% endif %}", "  text x")]
    public void WhitespaceControlMatchesJinja(string source, string expected) => Assert.Equal(expected, Render(source));

    /// <summary>for (loop.*, else, filters, break/continue, scoping), set, namespace, macro, filter/with blocks.</summary>
    [Theory]
    [InlineData("{% for x in ['a','b','c'] %}{{ loop.index }}{{ loop.index0 }}{{ loop.first }}{{ loop.last }}{{ loop.revindex }}{{ loop.revindex0 }}{{ loop.length }}|{% endfor %}", "10TrueFalse323|21FalseFalse213|32FalseTrue103|")]
    [InlineData("{% for x in [] %}x{% else %}empty{% endfor %}", "empty")]
    [InlineData("{% for x in [1,2,3,4,5] if x is odd %}{{ x }}{{ loop.last }},{% endfor %}", "1False,3False,5True,")]
    [InlineData("{% for x in range(10) %}{% if x == 2 %}{% continue %}{% endif %}{% if x == 5 %}{% break %}{% endif %}{{ x }}{% endfor %}", "0134")]
    [InlineData("{% set x = 1 %}{% for i in [1] %}{% set x = 2 %}{{ x }}{% endfor %}{{ x }}", "21")]
    [InlineData("{% set ns = namespace(x=1, y='a') %}{% for i in [1, 2] %}{% set ns.x = ns.x + i %}{% endfor %}{{ ns.x }}{{ ns.y }}", "4a")]
    [InlineData("{% for k, v in {'a': 1, 'b': [2]}|items %}{{ k }}={{ v }};{% endfor %}", "a=1;b=[2];")]
    [InlineData("{% for k in {'z': 1, 'a': 2} %}{{ k }}{% endfor %}{% for k, v in {'z': 1}.items() %}{{ k }}{{ v }}{% endfor %}", "zaz1")]
    [InlineData("{% for x in [1,2,3] %}{{ loop.cycle('o', 'e') }}{{ loop.previtem|default('-') }}{{ loop.nextitem|default('-') }}{% endfor %}", "o-2e13o2-")]
    [InlineData("{% for a in [1,2] %}{% for b in [3,4] %}{{ loop.index }}{% endfor %}{{ loop.index }}{% endfor %}", "121122")]
    [InlineData("{% if true %}{% set y = 'set in if' %}{% endif %}{{ y }}", "set in if")]
    [InlineData("{% macro greet(name, punct='!') %}Hi {{ name }}{{ punct }}{% endmacro %}{{ greet('Ann') }} {{ greet('Bob', punct='?') }}", "Hi Ann! Hi Bob?")]
    [InlineData("{% set block %}inner {{ 1 + 1 }}{% endset %}[{{ block }}]", "[inner 2]")]
    [InlineData("{% filter upper %}shout {{ 'this' }}{% endfilter %}", "SHOUT THIS")]
    [InlineData("{% with a = 5 %}{{ a }}{% endwith %}{{ a is defined }}", "5False")]
    [InlineData("{% set d = {'a': 1, 'b': 2} %}{{ d.get('a') }} {{ d.get('z') }} {{ d.get('z', 0) }} {{ d.keys()|list }} {{ d.values()|list }} {{ d.items()|list }} {{ d['a'] }} {{ d.a }} {{ d.missing is defined }}", "1 None 0 ['a', 'b'] [1, 2] [('a', 1), ('b', 2)] 1 1 False")]
    [InlineData("{% set t = [[1, 2], [3]] %}{{ t.0 }}{{ t.1.0 }}{{ t[0][1] }}", "[1, 2]32")]
    [InlineData("{% for i in [1,2] -%}\n  {{ i }}\n{%- endfor %}", "12")]
    [InlineData("{% for i in [1,2] %}\n  {{ i }}\n{% endfor %}", "  1\n  2\n")]
    [InlineData("{{ undefined_var }}|{{ undefined_var|length }}|{{ undefined_var|list }}|{{ undefined_var is iterable }}|{% for q in undefined_var %}q{% endfor %}|{{ undefined_var == undefined_var }}|{{ 'a' in undefined_var }}", "|0|[]|True||True|False")]
    [InlineData("{% set a, b = [1, 2] %}{{ a }}{{ b }}{% set c = 1, 2 %}{{ c }}", "12(1, 2)")]
    [InlineData("{% macro m(a, b) %}[{{ a }}|{{ b }}]{% endmacro %}{{ m(1) }}{{ m(b=2, a=1) }}", "[1|][1|2]")]
    [InlineData("{% for m in [{'role': 'a'}, {'role': 'b'}] %}{{ m.role }}{{ ',' if not loop.last }}{% endfor %}", "a,b")]
    public void StatementsMatchJinja(string source, string expected) => Assert.Equal(expected, Render(source));

    /// <summary>Operators, slices, literals, Python str()/repr() of values, str/dict methods.</summary>
    [Theory]
    [InlineData("{{ [1,2,3,4][1:] }} {{ [1,2,3][::-1] }} {{ 'hello'[-1] }} {{ 'hello'[1:3] }} {{ 'hello'[::2] }} {{ [1,2,3][-2] }} {{ [1,2][5] is undefined }}", "[2, 3, 4] [3, 2, 1] o el hlo 2 True")]
    [InlineData("{{ 7 // 2 }} {{ -7 // 2 }} {{ 7 % 3 }} {{ -7 % 3 }} {{ 7 / 2 }} {{ 4 / 2 }} {{ 2 ** 10 }} {{ 1 + 2 * 3 }} {{ (1 + 2) * 3 }} {{ 'ab' * 2 }} {{ -3 }} {{ 1.5 + 1 }}", "3 -4 1 2 3.5 2.0 1024 7 9 abab -3 2.5")]
    [InlineData("{{ 'a' ~ 1 ~ none ~ true ~ undefined_thing }}|{{ [1] + [2] }}|{{ 'x' + 'y' }}", "a1NoneTrue|[1, 2]|xy")]
    [InlineData("{{ 1 < 2 < 3 }} {{ 2 in [1, 2] }} {{ 'b' not in 'abc' }} {{ 'k' in {'k': 1} }} {{ none is none }} {{ 1 is not none }} {{ not 1 == 2 }} {{ 0 or 'x' }} {{ 1 and 'y' }} {{ '' or [] }}", "True True False True True True True x y []")]
    [InlineData("{{ 'yes' if 1 else 'no' }} {{ 'yes' if 0 else 'no' }} [{{ 'only' if false }}]", "yes no []")]
    [InlineData("{{ none }} {{ true }} {{ [1, 'a', none, true, 1.5, 'it''s'] }} {{ {'a': 1, 'b': {'c': [none]}} }} {{ ('x',) }} {{ (1, 2) }} {{ 1e20 }} {{ 0.1 + 0.2 }} {{ 1e-5 }} {{ 100.0 }} {{ 3.0 * 2 }}", "None True [1, 'a', None, True, 1.5, 'its'] {'a': 1, 'b': {'c': [None]}} ('x',) (1, 2) 1e+20 0.30000000000000004 1e-05 100.0 6.0")]
    [InlineData("{{ '  pad  '.strip() }}|{{ 'xxhixx'.strip('x') }}|{{ '  l'.lstrip() }}|{{ 'r  '.rstrip() }}|{{ 'a,b,,c'.split(',') }}|{{ ' a  b '.split() }}|{{ 'a b c'.split(' ', 1) }}|{{ 'aXbXc'.replace('X', '-') }}|{{ 'Hi'.upper() }}{{ 'Hi'.lower() }}|{{ 'hello world'.title() }}|{{ 'abc'.startswith('ab') }}{{ 'abc'.endswith(('x', 'c')) }}", "pad|hi|l|r|['a', 'b', '', 'c']|['a', 'b']|['a', 'b c']|a-b-c|HIhi|Hello World|TrueTrue")]
    [InlineData("{{ 'a\\tb' }}|{{ \"q'\" }}|{{ 'x' 'y' }}|{{ '\\u00e9' }}", "a\tb|q'|xy|\u00e9")]
    [InlineData("{{ '%}' }}{{ \"}}\" }}{{ {'a': {'b': 1}} }}", "%}}}{'a': {'b': 1}}")]
    [InlineData("{{ [1,2,3][1:2] }}{{ [1,2,3][-5:] }}{{ [1,2,3][:-1] }}{{ 'abcdef'[::-2] }}{{ 'abc'[10:] }}", "[2][1, 2, 3][1, 2]fdb")]
    [InlineData("{{ 10 % -3 }} {{ -10 // 3 }} {{ 5.5 // 2 }} {{ -5.5 % 2 }} {{ 2 ** -1 }} {{ true + 1 }} {{ 10 / 4 }}", "-2 -4 2.0 0.5 0.5 2 2.5")]
    [InlineData("{{ 1 == 1.0 }} {{ [1, 2] == [1, 2] }} {{ {'a': 1} == {'a': 1} }} {{ 'a' < 'b' }} {{ [1, 2] < [1, 3] }} {{ none == false }} {{ 0 == false }}", "True True True True True False True")]
    [InlineData("{{ 123456789012345678 }} {{ 1e16 }} {{ 1e15 }} {{ 0.0001 }} {{ 1.5e300 * 10 }} {{ -0.0 }} {{ 12345.678 }}", "123456789012345678 1e+16 1000000000000000.0 0.0001 1.5e+301 -0.0 12345.678")]
    [InlineData("{{ 'it\\'s' }} {{ \"say \\\"hi\\\"\" }} {{ ['it\\'s', 'a\"b', 'both\\'\"'] }} {{ {'k': 'new\\nline'} }}", "it's say \"hi\" [\"it's\", 'a\"b', 'both\\'\"'] {'k': 'new\\nline'}")]
    [InlineData("{{ 'abc'.find('c') }} {{ 'abc'.index('b') }} {{ 'a-b-c'.rsplit('-', 1) }} {{ 'a\\nb\\r\\nc'.splitlines() }} {{ 'ab'.center(6, '*') }} {{ '7'.zfill(3) }} {{ ', '.join(['a', 'b']) }} {{ '{} {}'.format(1, 'x') }}", "2 1 ['a-b', 'c'] ['a', 'b', 'c'] **ab** 007 a, b 1 x")]
    [InlineData("{{ range(3)|list }} {{ range(1, 7, 2)|list }} {{ range(3, 0, -1)|list }} {{ dict(a=1, b=2) }} {{ namespace(a=1).a }}", "[0, 1, 2] [1, 3, 5] [3, 2, 1] {'a': 1, 'b': 2} 1")]
    public void ExpressionsMatchJinja(string source, string expected) => Assert.Equal(expected, Render(source));

    /// <summary>Built-in filters and transformers' tojson.</summary>
    [Theory]
    [InlineData("{{ {'b': 1, 'a': [1, 2.5, '\u00e9\"\\n'], 'c': none, 'd': true}|tojson }}", "{\"b\": 1, \"a\": [1, 2.5, \"\u00e9\\\"\\n\"], \"c\": null, \"d\": true}")]
    [InlineData("{{ {'b': 1, 'a': [1, {}], 'e': []}|tojson(indent=2) }}", "{\n  \"b\": 1,\n  \"a\": [\n    1,\n    {}\n  ],\n  \"e\": []\n}")]
    [InlineData("{{ {'b': 1, 'a': 2}|tojson(sort_keys=true) }} {{ '\u00fc'|tojson(ensure_ascii=true) }} {{ [1,2]|tojson(separators=(',', ':')) }}", "{\"a\": 2, \"b\": 1} \"\\u00fc\" [1,2]")]
    [InlineData("{{ '  x  '|trim }}|{{ 'xxyxx'|trim('x') }}|{{ [1,2,3]|length }}|{{ 'h\u00e9llo'|length }}|{{ [4,5]|first }}|{{ [4,5]|last }}|{{ 12|string ~ 'x' }}|{{ 'AbC'|lower }}{{ 'AbC'|upper }}", "x|y|3|5|4|5|12x|abcABC")]
    [InlineData("{{ [1, 2, 3]|join(', ') }}|{{ undefined_var|default('dflt') }}|{{ ''|default('empty', true) }}|{{ none|default('kept') }}|{{ [1,2,3]|reverse|list }}|{{ 'abc'|reverse }}", "1, 2, 3|dflt|empty|None|[3, 2, 1]|cba")]
    [InlineData("{% set people = [{'n': 'a', 'r': 'user'}, {'n': 'b', 'r': 'bot'}, {'n': 'c', 'r': 'user'}] %}{{ people|selectattr('r', 'equalto', 'user')|map(attribute='n')|join }} {{ people|rejectattr('r', 'equalto', 'user')|map(attribute='n')|list }} {{ people|map(attribute='n')|map('upper')|list }} {{ [0, 1, '', 'x']|select|list }} {{ [1, 2, 3, 4]|reject('even')|list }}", "ac ['b'] ['A', 'B', 'C'] [1, 'x'] [1, 3]")]
    [InlineData("{{ [3, 1, 2]|sort }} {{ ['b', 'A', 'c']|sort }} {{ [3, 1, 2]|sort(reverse=true) }} {{ [1, 2, 1, 3]|unique|list }} {{ [3, 5, 1]|max }} {{ [3, 5, 1]|min }} {{ [1, 2, 3]|sum }} {{ -3|abs }} {{ '42'|int + 1 }} {{ '2.5'|float }} {{ 2.567|round(2) }}", "[1, 2, 3] ['A', 'b', 'c'] [3, 2, 1] [1, 2, 3] 5 1 6 3 43 2.5 2.57")]
    [InlineData("{{ {'b': 2, 'a': 1}|dictsort }} {{ 'hello world'|capitalize }} {{ 'hello big world'|title }} {{ 'one two three'|wordcount }} {{ '%s-%d'|format('a', 3) }} {{ 'a\\nb'|indent(2) }} {{ '<&>'|e }}", "[('a', 1), ('b', 2)] Hello world Hello Big World 3 a-3 a\n  b &lt;&amp;&gt;")]
    [InlineData("{{ [1.0, 2.5e-7, 1e16]|tojson }} {{ {1: 'a', true: 'b'}|tojson }}", "[1.0, 2.5e-07, 1e+16] {\"1\": \"b\"}")]
    [InlineData("{{ 'tab\there'|tojson }} {{ '\\x01'|tojson }} {{ '\\u2028 / <b>'|tojson }}", "\"tab\\there\" \"\\u0001\" \"\u2028 / <b>\"")]
    [InlineData("{{ 'Hello'|attr('upper') is defined }} {{ {'a': 1}|attr('a') is defined }}", "True False")]
    [InlineData("{{ [{'a': 3}, {'a': 1}]|sort(attribute='a')|map(attribute='a')|list }} {{ [{'a': 'x'}, {'b': 1}]|map(attribute='a', default='z')|list }} {{ ['a', 'B', 'a']|unique|list }}", "[1, 3] ['x', 'z'] ['a', 'B']")]
    [InlineData("{{ 'x'|indent(4, true) }}|{{ 'a\\n\\nb'|indent(2, blank=true) }}|{{ 3|float }}|{{ 'nan?'|int(7) }}|{{ '0x1A'|int(0, 16) }}", "    x|a\n  \n  b|3.0|7|26")]
    public void FiltersMatchJinja(string source, string expected) => Assert.Equal(expected, Render(source));

    /// <summary>Built-in tests.</summary>
    [Theory]
    [InlineData("{{ x is defined }} {{ y is undefined }} {{ none is none }} {{ 'a' is string }} {{ {} is mapping }} {{ [] is iterable }} {{ 'a' is iterable }} {{ 1 is iterable }} {{ [] is sequence }} {{ true is true }} {{ 0 is false }} {{ 1 is equalto 1 }} {{ 1 is number }} {{ 1.0 is integer }} {{ 1 is integer }} {{ 1.0 is float }} {{ true is boolean }} {{ 6 is divisibleby 3 }} {{ 'abc' is lower }} {{ 2 is in [1, 2] }}", "True True True True True True True False True True False True True False True True True True True True")]
    public void TestsMatchJinja(string source, string expected) => Assert.Equal(expected, Render(source));


    [Fact]
    public void RaiseExceptionThrowsWithTheTemplatesMessageAndLine()
    {
        var e = Assert.Throws<TemplateException>(() => Render("first line\n{{ raise_exception('Roles must alternate') }}"));
        Assert.Equal(TemplateErrorKind.Raised, e.Kind);
        Assert.Equal("Roles must alternate", e.Detail);
        Assert.Equal(2, e.Line);
    }

    [Theory]
    [InlineData("{{ [1, 2] | groupby('a') }}", "groupby", 1)]
    [InlineData("a\n{{ 'x' | truncate(3) }}", "truncate", 2)]
    [InlineData("{% include 'other.jinja' %}", "include", 1)]
    [InlineData("{% extends 'base.jinja' %}", "extends", 1)]
    [InlineData("\n\n{% call m() %}x{% endcall %}", "call", 3)]
    [InlineData("{% for x in [1] recursive %}{% endfor %}", "recursive", 1)]
    [InlineData("{{ x(*args) }}", "argument unpacking", 1)]
    [InlineData("{{ 'a'.casefold() }}", "str.casefold", 1)]
    [InlineData("{{ strftime_now('%Q') }}", "%Q", 1)]
    public void UnsupportedConstructsAreNamedWithTheirLine(string source, string construct, int line)
    {
        var e = Assert.Throws<TemplateException>(() => Render(source));
        Assert.Equal(TemplateErrorKind.Unsupported, e.Kind);
        Assert.Contains(construct, e.Message);
        Assert.Equal(line, e.Line);
        Assert.Contains($"template line {line}", e.Message);
    }

    [Theory]
    [InlineData("{{ x | no_such_filter }}", "No filter named 'no_such_filter'")]
    [InlineData("{{ x is no_such_test }}", "No test named 'no_such_test'")]
    [InlineData("{% if x %}unclosed", "endif")]
    [InlineData("{% endfor %}", "endfor")]
    [InlineData("{% frobnicate %}", "unknown tag 'frobnicate'")]
    [InlineData("{{ 1 if 2 if 3 else 4 else 5 }}", "else")]
    [InlineData("{# never closed", "comment")]
    public void SyntaxErrorsFailAtCompileTime(string source, string fragment)
    {
        var e = Assert.Throws<TemplateException>(() => new JinjaTemplate(source));
        Assert.Equal(TemplateErrorKind.Syntax, e.Kind);
        Assert.Contains(fragment, e.Message);
    }

    [Theory]
    [InlineData("{{ 'a' + 1 }}", "can only concatenate str (not \"int\") to str")]
    [InlineData("{{ foo.bar }}", "'foo' is undefined")]
    [InlineData("{{ foo() }}", "'foo' is undefined")]
    [InlineData("{{ {'a': 1}.b.c }}", "'dict object' has no attribute 'b'")]
    [InlineData("{{ 1 / 0 }}", "division by zero")]
    [InlineData("{% set l = [] %}{{ l.append(1) }}", "unsafe")]
    [InlineData("{% set v = 1 %}{% set v.y = 2 %}", "non-namespace")]
    [InlineData("{{ 1 < 'a' }}", "'<' not supported between instances of 'int' and 'str'")]
    [InlineData("{{ none | length }}", "object of type 'NoneType' has no len()")]
    [InlineData("{% break %}", "outside a for loop")]
    public void RuntimeErrorsReadLikePythons(string source, string fragment)
    {
        var e = Assert.Throws<TemplateException>(() => Render(source));
        Assert.Contains(fragment, e.Message);
        Assert.Equal(1, e.Line);
    }

    [Fact]
    public void StrftimeNowUsesTheSuppliedClock()
    {
        var clock = new FixedClock(new DateTimeOffset(2025, 3, 7, 14, 5, 9, TimeSpan.Zero));
        Assert.Equal("07 Mar 2025|7 March, Friday 14:05:09 PM|2025-03-07",
            Render("{{ strftime_now('%d %b %Y') }}|{{ strftime_now('%-d %B, %A %H:%M:%S %p') }}|{{ strftime_now('%Y-%m-%d') }}", clock: clock));
    }

    [Fact]
    public void GenerationBlockRendersItsBody()
    {
        // transformers' AssistantTracker tag: {% generation %} only marks assistant text.
        Assert.Equal("<a>hello</a>", Render("<a>{% generation %}hello{% endgeneration %}</a>"));
    }

    [Fact]
    public void LoopBodySetDoesNotLeakButNamespaceDoes()
    {
        const string source = "{% set count = 0 %}{% set ns = namespace(count=0) %}"
            + "{% for m in messages %}{% set count = count + 1 %}{% set ns.count = ns.count + 1 %}{% endfor %}{{ count }}/{{ ns.count }}";
        var variables = new Dictionary<string, object?> { ["messages"] = TemplateValueConverter.FromObject(new[] { "a", "b", "c" }) };
        Assert.Equal("0/3", Render(source, variables));
    }

    [Fact]
    public void JsonInputKeepsIntsFloatsAndKeyOrder()
    {
        using var doc = System.Text.Json.JsonDocument.Parse("""{"z": 1, "a": 1.0, "m": [true, null, "\u00e9"]}""");
        var variables = new Dictionary<string, object?> { ["v"] = TemplateValueConverter.FromJson(doc.RootElement.GetProperty("m")) };
        Assert.Equal("[true, null, \"\u00e9\"]", Render("{{ v | tojson }}", variables));

        using var small = System.Text.Json.JsonDocument.Parse("""{"z": 1, "a": 1.0, "n": -2.5e-7}""");
        variables["v"] = TemplateValueConverter.FromJson(small.RootElement);
        Assert.Equal("{\"z\": 1, \"a\": 1.0, \"n\": -2.5e-07}", Render("{{ v | tojson }}", variables));
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;

        public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;
    }
}
