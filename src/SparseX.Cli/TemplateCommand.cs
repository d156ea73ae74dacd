using System.ComponentModel;
using System.Text;
using System.Text.Json;
using SparseX.Engine.Text;
using SparseX.Engine.Text.Templates;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SparseX.Cli;

/// <summary>
/// <c>sparsex template &lt;checkpoint-dir | template.jinja&gt; --conversation messages.json [--tools tools.json]
/// [--add-generation-prompt] [--var name=value ...] [--segments]</c>: prints the rendered prompt exactly, or
/// its span list, for users debugging their own templates.
/// </summary>
internal sealed class TemplateCommand : Command<TemplateCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<checkpoint-dir|template.jinja>")]
        public string Source { get; init; } = string.Empty;

        [CommandOption("--conversation <FILE>")]
        [Description("JSON list of Hugging Face chat messages (or an object with a \"messages\" list).")]
        public string Conversation { get; init; } = string.Empty;

        [CommandOption("--tools <FILE>")]
        [Description("JSON list of OpenAI-style tool definitions.")]
        public string? Tools { get; init; }

        [CommandOption("--add-generation-prompt")]
        public bool AddGenerationPrompt { get; init; }

        [CommandOption("--var <NAME=VALUE>")]
        [Description("Template variable, as apply_chat_template keyword arguments (repeatable; e.g. bos_token, date_string).")]
        public string[] Variables { get; init; } = Array.Empty<string>();

        [CommandOption("--segments")]
        [Description("Print the span list (kind, message, token count) instead of the text.")]
        public bool Segments { get; init; }

        public override ValidationResult Validate()
        {
            if (string.IsNullOrEmpty(Conversation))
            {
                return ValidationResult.Error("--conversation <messages.json> is required.");
            }

            string? bad = Variables.FirstOrDefault(v => !v.Contains('=', StringComparison.Ordinal) || v.StartsWith('='));
            return bad is null ? ValidationResult.Success() : ValidationResult.Error($"--var '{bad}' must be name=value.");
        }
    }

    /// <summary>true/false/null/numbers/JSON become typed values (as Python keyword arguments would be); anything else is a string.</summary>
    private static object? ParseValue(string value)
    {
        try
        {
            using JsonDocument doc = JsonDocument.Parse(value);
            return doc.RootElement.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                JsonValueKind.Null => null,
                JsonValueKind.Number when doc.RootElement.TryGetInt64(out long n) => n,
                JsonValueKind.Number => doc.RootElement.GetDouble(),
                JsonValueKind.String => doc.RootElement.GetString(),
                _ => doc.RootElement.Clone(),
            };
        }
        catch (JsonException)
        {
            return value;
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var variables = settings.Variables.Select(v => v.Split('=', 2)).ToDictionary(p => p[0], p => (string?)p[1]);
        bool isDirectory = Directory.Exists(settings.Source);
        ChatTemplate template;
        if (isDirectory)
        {
            template = ChatTemplate.FromDirectory(settings.Source);
        }
        else
        {
            var special = variables.Where(kv => kv.Key.EndsWith("_token", StringComparison.Ordinal)).ToDictionary(kv => kv.Key, kv => kv.Value);
            template = new ChatTemplate(File.ReadAllText(settings.Source), special);
        }

        using JsonDocument conversation = JsonDocument.Parse(File.ReadAllText(settings.Conversation));
        JsonElement messagesJson = conversation.RootElement.ValueKind == JsonValueKind.Object
            ? conversation.RootElement.GetProperty("messages")
            : conversation.RootElement;
        IReadOnlyList<TemplateMessage> messages = TemplateMessage.ListFromJson(messagesJson);
        using JsonDocument? tools = settings.Tools is null ? null : JsonDocument.Parse(File.ReadAllText(settings.Tools));
        var extra = variables.Where(kv => !kv.Key.EndsWith("_token", StringComparison.Ordinal) || isDirectory)
            .ToDictionary(kv => kv.Key, kv => ParseValue(kv.Value!));

        if (!settings.Segments)
        {
            string text = template.Render(messages, tools?.RootElement, settings.AddGenerationPrompt, extra);
            using Stream stdout = Console.OpenStandardOutput();
            stdout.Write(new UTF8Encoding(false).GetBytes(text));
            return 0;
        }

        TemplateRendering rendering = template.RenderSpans(messages, tools?.RootElement, settings.AddGenerationPrompt, extra);
        HfTokenizer? tokenizer = isDirectory && File.Exists(Path.Combine(settings.Source, "tokenizer.json")) ? HfTokenizer.FromDirectory(settings.Source) : null;
        using (tokenizer)
        {
            var table = new Table().AddColumns("#", "kind", "message", "role", tokenizer is null ? "chars" : "tokens", "text");
            int i = 0;
            foreach (TemplateSpan span in rendering.Spans)
            {
                string role = span.MessageIndex >= 0 ? messages[span.MessageIndex].Role : string.Empty;
                int size = tokenizer?.Encode(span.Text).Length ?? span.Text.Length;
                string preview = span.Text.Length > 40 ? span.Text[..40] + "…" : span.Text;
                table.AddRow((i++).ToString(), span.Kind.ToString(), span.MessageIndex >= 0 ? span.MessageIndex.ToString() : "-", role, size.ToString(), Markup.Escape(preview.ReplaceLineEndings("⏎")));
            }

            AnsiConsole.Write(table);
            if (!rendering.BoundariesKnown)
            {
                AnsiConsole.MarkupLine($"[yellow]messages the template transforms (rendered as glue): {string.Join(", ", rendering.TransformedMessages)}[/]");
            }

            if (rendering.OmittedMessages.Count > 0)
            {
                AnsiConsole.MarkupLine($"[yellow]messages the template drops: {string.Join(", ", rendering.OmittedMessages)}[/]");
            }
        }

        return 0;
    }
}
