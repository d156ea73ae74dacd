using System.Text.Json;

namespace SparseX.Engine.Text.Templates;

/// <summary>
/// A model's chat template (the Jinja <c>chat_template</c> of its tokenizer), rendered byte for byte as Hugging
/// Face transformers' <c>apply_chat_template(..., tokenize=False)</c> renders it, and able to report where each
/// message's content lies in the prompt (<see cref="RenderSpans"/>). Instances are immutable and thread-safe.
/// </summary>
public sealed class ChatTemplate
{
    private static readonly string[] SpecialTokenNames =
        ["bos_token", "eos_token", "unk_token", "pad_token", "sep_token", "cls_token", "mask_token"];

    private readonly JinjaTemplate _template;
    private readonly Dictionary<string, string?> _specialTokens;

    /// <summary>Compiles a chat template.</summary>
    /// <param name="source">The Jinja template text.</param>
    /// <param name="bosToken">The tokenizer's <c>bos_token</c>, or null if it has none (the variable is then undefined, as in transformers).</param>
    /// <param name="eosToken">The tokenizer's <c>eos_token</c>, or null if it has none.</param>
    /// <param name="timeProvider">The clock for <c>strftime_now</c> (local time); the system clock by default.</param>
    /// <exception cref="TemplateException">The template is not valid Jinja or uses an unsupported construct.</exception>
    public ChatTemplate(string source, string? bosToken = null, string? eosToken = null, TimeProvider? timeProvider = null)
        : this(source, new Dictionary<string, string?> { ["bos_token"] = bosToken, ["eos_token"] = eosToken }, timeProvider)
    {
    }

    /// <summary>Compiles a chat template with a set of special-token variables.</summary>
    /// <param name="source">The Jinja template text.</param>
    /// <param name="specialTokens">Special-token variables such as <c>bos_token</c>, <c>eos_token</c>, <c>pad_token</c>;
    /// null values are left undefined.</param>
    /// <param name="timeProvider">The clock for <c>strftime_now</c> (local time); the system clock by default.</param>
    /// <exception cref="TemplateException">The template is not valid Jinja or uses an unsupported construct.</exception>
    public ChatTemplate(string source, IReadOnlyDictionary<string, string?> specialTokens, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(specialTokens);
        Source = source;
        _specialTokens = specialTokens.Where(kv => kv.Value is not null).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        _template = new JinjaTemplate(source, timeProvider);
    }

    /// <summary>Gets the template text.</summary>
    public string Source { get; }

    /// <summary>Gets the <c>bos_token</c> variable, or null when undefined.</summary>
    public string? BosToken => _specialTokens.GetValueOrDefault("bos_token");

    /// <summary>Gets the <c>eos_token</c> variable, or null when undefined.</summary>
    public string? EosToken => _specialTokens.GetValueOrDefault("eos_token");

    /// <summary>Gets the special-token variables passed to every render.</summary>
    public IReadOnlyDictionary<string, string?> SpecialTokens => _specialTokens;

    /// <summary>
    /// Loads the chat template of a Hugging Face checkpoint directory: <c>chat_template.jinja</c> if present, else
    /// <c>tokenizer_config.json</c>'s <c>chat_template</c> (a string, or a list of <c>{name, template}</c> of which
    /// "default" is used), else <c>chat_template.json</c>. Special tokens (<c>bos_token</c>, <c>eos_token</c>, …)
    /// come from <c>tokenizer_config.json</c>, as strings or <c>{"content": …}</c> objects.
    /// </summary>
    /// <param name="checkpointDirectory">The checkpoint directory.</param>
    /// <param name="timeProvider">The clock for <c>strftime_now</c>; the system clock by default.</param>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    /// <exception cref="FileNotFoundException">No chat template was found.</exception>
    /// <exception cref="InvalidDataException">A file is malformed, or a template list has no "default" entry.</exception>
    /// <exception cref="TemplateException">The template is not valid Jinja or uses an unsupported construct.</exception>
    public static ChatTemplate FromDirectory(string checkpointDirectory, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(checkpointDirectory);
        if (!Directory.Exists(checkpointDirectory))
        {
            throw new DirectoryNotFoundException($"Checkpoint directory '{checkpointDirectory}' does not exist.");
        }

        string configPath = Path.Combine(checkpointDirectory, "tokenizer_config.json");
        using var config = File.Exists(configPath) ? ParseJson(configPath) : null;
        var tokens = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (config is not null)
        {
            foreach (string name in SpecialTokenNames)
            {
                tokens[name] = config.RootElement.TryGetProperty(name, out var token) ? TokenText(token) : null;
            }
        }

        string jinjaPath = Path.Combine(checkpointDirectory, "chat_template.jinja");
        string? source = File.Exists(jinjaPath) ? File.ReadAllText(jinjaPath) : null;
        if (source is null && config is not null && config.RootElement.TryGetProperty("chat_template", out var fromConfig))
        {
            source = TemplateText(fromConfig, configPath);
        }

        string jsonPath = Path.Combine(checkpointDirectory, "chat_template.json");
        if (source is null && File.Exists(jsonPath))
        {
            using var json = ParseJson(jsonPath);
            if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("chat_template", out var fromJson))
            {
                source = TemplateText(fromJson, jsonPath);
            }
        }

        if (source is null)
        {
            throw new FileNotFoundException(
                $"No chat template found in '{checkpointDirectory}': looked for chat_template.jinja, a \"chat_template\" entry in tokenizer_config.json, and chat_template.json.");
        }

        return new ChatTemplate(source, tokens, timeProvider);
    }

    private static JsonDocument ParseJson(string path)
    {
        try
        {
            return JsonDocument.Parse(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{path}' is not valid JSON: {e.Message}", e);
        }
    }

    private static string? TokenText(JsonElement token) => token.ValueKind switch
    {
        JsonValueKind.String => token.GetString(),
        JsonValueKind.Object when token.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String => content.GetString(),
        _ => null,
    };

    private static string? TemplateText(JsonElement value, string path)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                return value.GetString();
            case JsonValueKind.Null:
                return null;
            case JsonValueKind.Array:
                var names = new List<string>();
                foreach (var entry in value.EnumerateArray())
                {
                    if (entry.ValueKind == JsonValueKind.Object && entry.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String)
                    {
                        names.Add(name.GetString()!);
                        if (name.GetString() == "default" && entry.TryGetProperty("template", out var template) && template.ValueKind == JsonValueKind.String)
                        {
                            return template.GetString();
                        }
                    }
                }

                throw new InvalidDataException(
                    $"'{path}' lists chat templates [{string.Join(", ", names)}] but none named \"default\".");
            default:
                throw new InvalidDataException($"'{path}': \"chat_template\" must be a string or a list of {{name, template}} objects.");
        }
    }

    /// <summary>Renders the prompt for <paramref name="messages"/>.</summary>
    /// <param name="messages">The conversation.</param>
    /// <param name="tools">The tools as a JSON array of (OpenAI-style) JSON-schema function definitions, or null.</param>
    /// <param name="addGenerationPrompt">Append the assistant turn opener.</param>
    /// <param name="extraVariables">More template variables (e.g. <c>date_string</c>, <c>enable_thinking</c>,
    /// <c>documents</c>); values may be JSON, primitives, dictionaries or lists. They override special tokens.</param>
    /// <returns>The prompt text.</returns>
    /// <exception cref="TemplateException">Rendering failed, e.g. the template rejected the conversation via <c>raise_exception</c>.</exception>
    /// <exception cref="ArgumentException"><paramref name="extraVariables"/> names <c>messages</c>, <c>tools</c> or
    /// <c>add_generation_prompt</c>, or holds a value of an unsupported type.</exception>
    public string Render(IReadOnlyList<TemplateMessage> messages, JsonElement? tools = null, bool addGenerationPrompt = false,
        IReadOnlyDictionary<string, object?>? extraVariables = null)
    {
        var variables = Variables(tools, addGenerationPrompt, extraVariables);
        variables["messages"] = Convert(messages).Cast<object?>().ToList();
        return _template.Render(variables);
    }

    /// <summary>
    /// Renders the prompt for <paramref name="messages"/> and splits it into glue and message-content spans, so
    /// each message's content can be tokenized on its own (DESIGN §3, §6). See <see cref="TemplateRendering.BoundariesKnown"/>
    /// for templates that transform content.
    /// </summary>
    /// <param name="messages">The conversation.</param>
    /// <param name="tools">The tools as a JSON array of function definitions, or null.</param>
    /// <param name="addGenerationPrompt">Append the assistant turn opener.</param>
    /// <param name="extraVariables">More template variables, as for <see cref="Render"/>.</param>
    /// <returns>The prompt and its spans; the spans concatenate to exactly <see cref="Render"/>'s output.</returns>
    /// <exception cref="TemplateException">Rendering failed.</exception>
    /// <exception cref="ArgumentException"><paramref name="extraVariables"/> is invalid (see <see cref="Render"/>).</exception>
    public TemplateRendering RenderSpans(IReadOnlyList<TemplateMessage> messages, JsonElement? tools = null, bool addGenerationPrompt = false,
        IReadOnlyDictionary<string, object?>? extraVariables = null)
    {
        var converted = Convert(messages);
        var variables = Variables(tools, addGenerationPrompt, extraVariables);
        string RenderWith(List<object?> list)
        {
            variables["messages"] = list;
            return _template.Render(variables);
        }

        string text = RenderWith(converted.Cast<object?>().ToList());
        return SentinelSplitter.Split(RenderWith, converted, text);
    }

    private static List<OrderedDictionary<object, object?>> Convert(IReadOnlyList<TemplateMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return messages.Select(m => (m ?? throw new ArgumentException("Messages cannot contain null.", nameof(messages))).ToTemplateValue()).ToList();
    }

    // Everything but "messages", which the caller sets (RenderSpans renders several message variants).
    private Dictionary<string, object?> Variables(JsonElement? tools, bool addGenerationPrompt, IReadOnlyDictionary<string, object?>? extraVariables)
    {
        // transformers: template.render(messages=…, tools=…, documents=…, add_generation_prompt=…, **special_tokens, **kwargs)
        var variables = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (name, value) in _specialTokens)
        {
            variables[name] = value;
        }

        variables["messages"] = null;
        variables["tools"] = tools is JsonElement t ? TemplateValueConverter.FromJson(t) : null;
        variables["documents"] = null;
        variables["add_generation_prompt"] = addGenerationPrompt;
        if (extraVariables is not null)
        {
            foreach (var (name, value) in extraVariables)
            {
                if (name is "messages" or "tools" or "add_generation_prompt")
                {
                    throw new ArgumentException($"'{name}' is set by the renderer's own parameter and cannot be an extra variable.", nameof(extraVariables));
                }

                variables[name] = TemplateValueConverter.FromObject(value);
            }
        }

        return variables;
    }
}
