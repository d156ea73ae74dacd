namespace SparseX.Engine.Model;

/// <summary>
/// A checkpoint could not be loaded: a missing or corrupt file, an unsupported architecture or option,
/// or weights that do not match the configuration. The message names the file or field.
/// </summary>
public sealed class ModelLoadException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="ModelLoadException"/> class.</summary>
    /// <param name="message">What went wrong, naming the file or field.</param>
    public ModelLoadException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ModelLoadException"/> class.</summary>
    /// <param name="message">What went wrong, naming the file or field.</param>
    /// <param name="innerException">The underlying error.</param>
    public ModelLoadException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
