using System.Security.Cryptography;

namespace SparseX.SemanticKernel.ToolCalls;

/// <summary>Synthesizes tool-call ids (local models write none): 9 alphanumeric characters, the one shape every
/// template accepts (Mistral's templates reject any other).</summary>
internal static class CallIds
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    /// <summary>A new random id.</summary>
    public static string New() => RandomNumberGenerator.GetString(Alphabet, 9);
}
