using System.Text.Json;
using Microsoft.Extensions.AI;

namespace SparseX.SemanticKernel.Prompting;

/// <summary>
/// Renders <see cref="ChatOptions.Tools"/> as the OpenAI-style list chat templates read
/// (<c>[{"type": "function", "function": {"name", "description", "parameters"}}]</c>), sorted by name so that the
/// same tools give the same prompt text whatever order the caller lists them in (DESIGN §6).
/// </summary>
internal static class ToolSchemas
{
    /// <summary>Builds the tools list, or null when no tools are offered (none given, or <see cref="ChatToolMode.None"/>).</summary>
    /// <exception cref="NotSupportedException">A tool is not a function (e.g. a provider-hosted tool).</exception>
    /// <exception cref="ArgumentException"><see cref="ChatToolMode.RequireSpecific"/> names a function that is not among the tools.</exception>
    public static JsonElement? Build(ChatOptions? options)
    {
        if (options?.Tools is not { Count: > 0 } tools || options.ToolMode is NoneChatToolMode)
        {
            return null;
        }

        var functions = tools.Select(t => t as AIFunctionDeclaration ?? throw new NotSupportedException(
            $"Tool '{t.Name}' ({t.GetType().Name}) is not a function: SparseXChatClient runs tools locally and supports only AIFunction/AIFunctionDeclaration tools.")).ToList();
        if (options.ToolMode is RequiredChatToolMode { RequiredFunctionName: string required })
        {
            functions = functions.Where(f => f.Name == required).ToList();
            if (functions.Count == 0)
            {
                throw new ArgumentException($"ChatToolMode.RequireSpecific(\"{required}\") names no function in ChatOptions.Tools.", nameof(options));
            }
        }

        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (AIFunctionDeclaration function in functions.OrderBy(f => f.Name, StringComparer.Ordinal))
            {
                writer.WriteStartObject();
                writer.WriteString("type", "function");
                writer.WritePropertyName("function");
                writer.WriteStartObject();
                writer.WriteString("name", function.Name);
                if (!string.IsNullOrEmpty(function.Description))
                {
                    writer.WriteString("description", function.Description);
                }

                writer.WritePropertyName("parameters");
                function.JsonSchema.WriteTo(writer);
                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        using var document = JsonDocument.Parse(buffer.ToArray());
        return document.RootElement.Clone();
    }
}
