namespace SparseX.Engine.Text.Templates;

/// <summary>
/// A tool call on an assistant <see cref="TemplateMessage"/>, in the OpenAI / Hugging Face shape the templates
/// read: <c>{"id": …, "type": "function", "function": {"name": …, "arguments": …}}</c>.
/// </summary>
public sealed class TemplateToolCall
{
    /// <summary>Creates a tool call.</summary>
    /// <param name="id">The call id (Mistral templates require exactly 9 alphanumeric characters).</param>
    /// <param name="name">The function name.</param>
    /// <param name="arguments">The arguments: a JSON object (<see cref="System.Text.Json.JsonElement"/>,
    /// <see cref="System.Text.Json.Nodes.JsonNode"/> or a dictionary), or a string holding JSON, which templates
    /// that check <c>arguments is string</c> emit verbatim.</param>
    public TemplateToolCall(string id, string name, object? arguments)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(name);
        Id = id;
        Name = name;
        Arguments = arguments;
    }

    /// <summary>Gets the call id.</summary>
    public string Id { get; }

    /// <summary>Gets the function name.</summary>
    public string Name { get; }

    /// <summary>Gets the arguments (a JSON object, or a string holding JSON).</summary>
    public object? Arguments { get; }

    internal OrderedDictionary<object, object?> ToTemplateValue()
    {
        var function = TemplateValue.NewDict();
        function["name"] = Name;
        function["arguments"] = TemplateValueConverter.FromObject(Arguments);
        var call = TemplateValue.NewDict();
        call["id"] = Id;
        call["type"] = "function";
        call["function"] = function;
        return call;
    }
}
