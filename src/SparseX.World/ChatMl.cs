namespace SparseX.World;

/// <summary>The ChatML chat format of the demo model (the template the export ships).</summary>
public static class ChatMl
{
    /// <summary>The Jinja chat template (identical to the HF reference fixtures' template).</summary>
    public const string Template =
        "{%- for message in messages %}{{- '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{%- endfor %}{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}{%- endif %}";

    /// <summary>Start of a message.</summary>
    public const string ImStart = "<|im_start|>";

    /// <summary>End of a message (the model's end-of-turn token).</summary>
    public const string ImEnd = "<|im_end|>";

    /// <summary>End of text (padding).</summary>
    public const string EndOfText = "<|endoftext|>";

    /// <summary>The header of a message: <c>&lt;|im_start|&gt;role\n</c>.</summary>
    /// <param name="role">The role.</param>
    /// <returns>The header.</returns>
    public static string Header(string role) => ImStart + role + "\n";

    /// <summary>The body of a message: content, <c>&lt;|im_end|&gt;</c> and a newline.</summary>
    /// <param name="content">The content.</param>
    /// <returns>The body.</returns>
    public static string Body(string content) => content + ImEnd + "\n";

    /// <summary>Renders messages as the template does.</summary>
    /// <param name="messages">The messages.</param>
    /// <param name="addGenerationPrompt">Whether to open an assistant turn at the end.</param>
    /// <returns>The text.</returns>
    public static string Render(IEnumerable<ChatMessage> messages, bool addGenerationPrompt = false)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var sb = new System.Text.StringBuilder();
        foreach (ChatMessage m in messages)
        {
            sb.Append(Header(m.Role)).Append(Body(m.Content));
        }

        if (addGenerationPrompt)
        {
            sb.Append(Header("assistant"));
        }

        return sb.ToString();
    }
}
