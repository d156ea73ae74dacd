namespace SparseX.Engine.Text.Templates;

/// <summary>A value templates can call: a global function, a bound method or a macro.</summary>
internal abstract class TemplateCallable
{
    /// <summary>Gets the name used in error messages.</summary>
    public abstract string Name { get; }

    /// <summary>Invokes the callable.</summary>
    public abstract object? Invoke(CallValues args);
}

/// <summary>A function implemented in C#.</summary>
internal sealed class BuiltinFunction(string name, Func<CallValues, object?> body) : TemplateCallable
{
    /// <inheritdoc />
    public override string Name => name;

    /// <inheritdoc />
    public override object? Invoke(CallValues args) => body(args);
}

/// <summary>A method of a str, dict or list value (<c>s.strip</c>, <c>d.items</c>) read as an attribute.</summary>
internal sealed class BoundMethod(object target, string method) : TemplateCallable
{
    /// <summary>Gets the object the method belongs to.</summary>
    public object Target => target;

    /// <inheritdoc />
    public override string Name => $"{TemplateValue.TypeName(target)}.{method}";

    /// <inheritdoc />
    public override object? Invoke(CallValues args) => BuiltinMethods.Invoke(target, method, args);
}
