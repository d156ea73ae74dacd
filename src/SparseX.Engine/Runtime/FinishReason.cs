namespace SparseX.Engine.Runtime;

/// <summary>Why generation ended.</summary>
public enum FinishReason
{
    /// <summary>The model produced an end-of-sequence or stop token.</summary>
    EndOfSequence,

    /// <summary>A stop string was produced (it is not part of the output).</summary>
    StopSequence,

    /// <summary><see cref="GenerationOptions.MaxNewTokens"/> was reached.</summary>
    MaxTokens,

    /// <summary>The model's context length was reached.</summary>
    ContextFull,
}
