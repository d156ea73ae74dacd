namespace SparseX.Engine.Runtime;

/// <summary>Decoding options of one request.</summary>
public sealed record GenerationOptions
{
    /// <summary>Gets the sampling temperature; 0 or less means greedy.</summary>
    public float Temperature { get; init; }

    /// <summary>Gets the nucleus probability mass; 1 disables top-p.</summary>
    public float TopP { get; init; } = 1.0f;

    /// <summary>Gets the number of most likely tokens kept; 0 disables top-k.</summary>
    public int TopK { get; init; }

    /// <summary>Gets the random seed; the same seed, prompt and options give the same tokens.</summary>
    public int? Seed { get; init; }

    /// <summary>Gets the maximum number of tokens to generate.</summary>
    public int MaxNewTokens { get; init; } = 256;

    /// <summary>Gets extra token ids that end generation (the model's EOS ids always do unless <see cref="IgnoreEos"/>).</summary>
    public IReadOnlyList<int> StopTokenIds { get; init; } = Array.Empty<int>();

    /// <summary>Gets strings that end generation; the text is cut before the first one found.</summary>
    public IReadOnlyList<string> StopSequences { get; init; } = Array.Empty<string>();

    /// <summary>Gets a value indicating whether the model's EOS tokens are ignored.</summary>
    public bool IgnoreEos { get; init; }

    /// <summary>Throws if an option is out of range.</summary>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public void Validate()
    {
        if (float.IsNaN(Temperature) || Temperature < 0)
        {
            throw new ArgumentException($"Temperature must be ≥ 0 (got {Temperature}).", nameof(Temperature));
        }

        if (!(TopP > 0 && TopP <= 1))
        {
            throw new ArgumentException($"TopP must be in (0, 1] (got {TopP}).", nameof(TopP));
        }

        if (TopK < 0)
        {
            throw new ArgumentException($"TopK must be ≥ 0 (got {TopK}).", nameof(TopK));
        }

        if (MaxNewTokens < 1)
        {
            throw new ArgumentException($"MaxNewTokens must be ≥ 1 (got {MaxNewTokens}).", nameof(MaxNewTokens));
        }

        if (StopSequences.Any(string.IsNullOrEmpty))
        {
            throw new ArgumentException("StopSequences must not contain empty strings.", nameof(StopSequences));
        }
    }
}
