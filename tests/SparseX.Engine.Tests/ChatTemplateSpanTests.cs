using System.Text.Json;
using SparseX.Engine.Text.Templates;

namespace SparseX.Engine.Tests;

/// <summary>
/// <see cref="ChatTemplate.RenderSpans"/>: segment boundaries by sentinel rendering (DESIGN §6). The oracle is the
/// transformers render: spans must concatenate to it exactly, and content spans must equal the message content.
/// </summary>
public class ChatTemplateSpanTests
{
    private static readonly string[] VerbatimTemplates =
        ["qwen2.5-7b-instruct", "qwen3", "qwen3-2025-05", "mistral-7b-instruct-v0.3", "phi-3.5-mini-instruct"];

    private static TemplateRendering Spans(string expectedFile)
    {
        var c = ChatTemplateFixtureTests.Load(expectedFile);
        return ChatTemplateFixtureTests.Compile(c).RenderSpans(c.JsonMessages, c.Tools, c.AddGenerationPrompt, c.Variables);
    }

    private static IEnumerable<string> Cases(string template) =>
        ChatTemplateFixtureTests.Names().Where(n => n.StartsWith(template + "__", StringComparison.Ordinal));

    [Theory]
    [MemberData(nameof(ChatTemplateFixtureTests.CaseNames), MemberType = typeof(ChatTemplateFixtureTests))]
    public void SpansConcatenateToTheTransformersRenderAndHoldContentVerbatim(string expectedFile)
    {
        var c = ChatTemplateFixtureTests.Load(expectedFile);
        var messages = c.JsonMessages;
        var r = ChatTemplateFixtureTests.Compile(c).RenderSpans(messages, c.Tools, c.AddGenerationPrompt, c.Variables);

        Assert.Equal(c.Expected, r.Text);
        Assert.Equal(c.Expected, string.Concat(r.Spans.Select(s => s.Text)));
        Assert.All(r.Spans, s => Assert.NotEqual("", s.Text));
        for (int i = 1; i < r.Spans.Count; i++)
        {
            Assert.False(r.Spans[i].Kind == TemplateSpanKind.Glue && r.Spans[i - 1].Kind == TemplateSpanKind.Glue, "adjacent glue spans");
        }

        foreach (var span in r.Spans.Where(s => s.Kind == TemplateSpanKind.MessageContent))
        {
            Assert.Equal(messages[span.MessageIndex].Content, span.Text);
        }

        // Each message with content is exactly one of: located, transformed (in glue), omitted by the template.
        for (int i = 0; i < messages.Count; i++)
        {
            if (string.IsNullOrEmpty(messages[i].Content))
            {
                Assert.DoesNotContain(r.Spans, s => s.MessageIndex == i);
                continue;
            }

            int states = (r.Spans.Any(s => s.MessageIndex == i) ? 1 : 0) + (r.TransformedMessages.Contains(i) ? 1 : 0) + (r.OmittedMessages.Contains(i) ? 1 : 0);
            Assert.Equal(1, states);
        }
    }

    [Fact]
    public void QwenMistralAndPhiTemplatesGiveEveryBoundary()
    {
        foreach (string template in VerbatimTemplates)
        {
            foreach (string name in Cases(template))
            {
                Assert.True(Spans(name).BoundariesKnown, name);
            }
        }
    }

    [Theory]
    [InlineData("llama-3.1-8b-instruct")]
    [InlineData("llama-3.2-instruct")]
    public void LlamaTemplatesJsonQuoteToolResultsSoOnlyThoseLandInGlue(string template)
    {
        var expectedTransformed = new Dictionary<string, int[]>
        {
            ["06-tool-call-awaiting-answer"] = [2],
            ["07-tool-round-trip-closed"] = [2],
            ["08-system-tools-retrieval-multi-turn"] = [3],
        };
        foreach (string name in Cases(template))
        {
            var r = Spans(name);
            string conversation = name[(template.Length + 2)..^4];
            int[] transformed = expectedTransformed.GetValueOrDefault(conversation, []);
            Assert.Equal(transformed, r.TransformedMessages);
            Assert.Equal(transformed.Length == 0, r.BoundariesKnown);
            foreach (int i in transformed)
            {
                // The template emits `content | tojson` for tool results: the quoted, escaped text sits in glue.
                string content = ChatTemplateFixtureTests.Load(name).JsonMessages[i].Content!;
                string quoted = "\"" + content.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
                string glue = string.Concat(r.Spans.Where(s => s.Kind == TemplateSpanKind.Glue).Select(s => s.Text));
                Assert.Contains("ipython<|end_header_id|>\n\n" + quoted + "<|eot_id|>", glue);
            }
        }
    }

    [Fact]
    public void TemplatesThatDropAMessageReportItOmitted()
    {
        // Mistral prepends the system prompt to the last user turn only; a conversation ending with the assistant drops it.
        Assert.Equal([0], Spans("mistral-7b-instruct-v0.3__03-multi-turn-system-closed.txt").OmittedMessages);
        // Phi-3.5 ignores tool messages.
        Assert.Equal([2], Spans("phi-3.5-mini-instruct__06-tool-call-awaiting-answer.txt").OmittedMessages);
        Assert.True(Spans("phi-3.5-mini-instruct__06-tool-call-awaiting-answer.txt").BoundariesKnown);
    }

    [Fact]
    public void MistralPlacesTheSystemPromptBeforeTheLastUserMessage()
    {
        var order = Spans("mistral-7b-instruct-v0.3__08-system-tools-retrieval-multi-turn.txt").Spans
            .Where(s => s.Kind == TemplateSpanKind.MessageContent).Select(s => s.MessageIndex);
        Assert.Equal([1, 3, 4, 0, 5], order);
    }

    [Fact]
    public void TrimmedContentWithOuterWhitespaceGoesToGlueAndOthersKeepTheirBoundaries()
    {
        var template = new ChatTemplate(File.ReadAllText(Path.Combine(FixturePaths.ChatTemplates, "llama-3.2-instruct.jinja")), "<|begin_of_text|>", "<|eot_id|>");
        var messages = new[]
        {
            new TemplateMessage("system", "Be brief."),
            new TemplateMessage("user", "  padded question \n"),
            new TemplateMessage("assistant", "Answer."),
        };
        var vars = new Dictionary<string, object?> { ["date_string"] = "26 Jul 2024" };
        var r = template.RenderSpans(messages, null, false, vars);
        Assert.Equal(template.Render(messages, null, false, vars), string.Concat(r.Spans.Select(s => s.Text)));
        Assert.Equal([1], r.TransformedMessages);
        Assert.False(r.BoundariesKnown);
        Assert.Equal([0, 2], r.Spans.Where(s => s.Kind == TemplateSpanKind.MessageContent).Select(s => s.MessageIndex));
        Assert.Contains("<|end_header_id|>\n\npadded question<|eot_id|>", r.Text);
    }

    [Fact]
    public void ContentTransformedEverywhereFallsBackToOneGlueSpan()
    {
        var template = new ChatTemplate("{% for m in messages %}[{{ m.content | upper }}]{% endfor %}");
        var r = template.RenderSpans([new TemplateMessage("user", "hello"), new TemplateMessage("assistant", "world")]);
        Assert.Equal("[HELLO][WORLD]", r.Text);
        Assert.Equal([TemplateSpan.Glue("[HELLO][WORLD]")], r.Spans);
        Assert.Equal([0, 1], r.TransformedMessages);
        Assert.False(r.BoundariesKnown);
    }

    [Fact]
    public void ContentThatChangesATemplateBranchIsNotTrusted()
    {
        // Qwen3 splits "<think>…</think>" out of assistant content: a sentinel would take the other branch.
        var template = new ChatTemplate(File.ReadAllText(Path.Combine(FixturePaths.ChatTemplates, "qwen3.jinja")), null, "<|im_end|>");
        var messages = new[]
        {
            new TemplateMessage("user", "Hi"),
            new TemplateMessage("assistant", "<think>\nplan\n</think>\n\nHello!"),
            new TemplateMessage("user", "Bye"),
        };
        var r = template.RenderSpans(messages, addGenerationPrompt: true);
        Assert.Equal(template.Render(messages, addGenerationPrompt: true), string.Concat(r.Spans.Select(s => s.Text)));
        Assert.Equal([1], r.TransformedMessages);
        Assert.Equal([0, 2], r.Spans.Where(s => s.Kind == TemplateSpanKind.MessageContent).Select(s => s.MessageIndex));
    }

    [Fact]
    public void RepeatedContentGivesOneSpanPerOccurrence()
    {
        var template = new ChatTemplate("{% for m in messages %}{{ m.content }}|{{ m.content }}{% endfor %}");
        var r = template.RenderSpans([new TemplateMessage("user", "ab")]);
        Assert.Equal([TemplateSpan.Content("ab", 0), TemplateSpan.Glue("|"), TemplateSpan.Content("ab", 0)], r.Spans);
        Assert.True(r.BoundariesKnown);
    }

    [Fact]
    public void MessagesWithoutStringContentHaveNoSpan()
    {
        var template = new ChatTemplate("{% for m in messages %}<{{ m.role }}>{{ m.content if m.content is string else m.content | tojson }}{% endfor %}");
        using var parts = JsonDocument.Parse("""{"role": "user", "content": [{"type": "text", "text": "hi"}]}""");
        TemplateMessage[] messages = [new("system", ""), new("assistant", null), TemplateMessage.FromJson(parts.RootElement)];
        var r = template.RenderSpans(messages);
        Assert.Equal("<system><assistant>null<user>[{\"type\": \"text\", \"text\": \"hi\"}]", r.Text);
        Assert.Equal([TemplateSpan.Glue(r.Text)], r.Spans);
        Assert.True(r.BoundariesKnown);
    }
}
