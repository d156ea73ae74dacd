using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.AI;
using SparseX.Engine.Reuse;

namespace SparseX.SemanticKernel;

/// <summary>
/// Per-request reuse policy on <see cref="ChatOptions"/> (DESIGN §6). Each field of the policy is stored as a JSON
/// primitive under its own <see cref="SparseXPropertyKeys"/> key in <see cref="ChatOptions.AdditionalProperties"/>, so
/// the policy survives cloning, JSON and Semantic Kernel's <c>ExtensionData</c>.
/// </summary>
public static class SparseXChatOptionsExtensions
{
    /// <summary>Sets the reuse policy of requests made with these options.</summary>
    /// <param name="options">The options.</param>
    /// <param name="policy">The policy (budget r, full layers F, selector, namespace, …).</param>
    /// <returns>The same options.</returns>
    public static ChatOptions WithSparseXReuse(this ChatOptions options, ReusePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(policy);
        var properties = options.AdditionalProperties ??= [];
        properties[SparseXPropertyKeys.ReuseMode] = policy.Mode.ToString();
        properties[SparseXPropertyKeys.ReuseSelector] = policy.Selector.ToString();
        properties[SparseXPropertyKeys.ReuseBudget] = policy.Budget;
        properties[SparseXPropertyKeys.ReuseFullLayers] = policy.FullLayers;
        properties[SparseXPropertyKeys.ReuseBoundaryTokens] = policy.BoundaryTokens;
        if (policy.SelectionLayer is { } selectionLayer)
        {
            properties[SparseXPropertyKeys.ReuseSelectionLayer] = selectionLayer;
        }
        else
        {
            properties.Remove(SparseXPropertyKeys.ReuseSelectionLayer);
        }

        properties[SparseXPropertyKeys.ReuseNamespace] = policy.Namespace;
        properties[SparseXPropertyKeys.ReuseRandomSeed] = policy.RandomSeed;
        return options;
    }

    /// <summary>
    /// Reads the reuse policy of these options. Keys that are absent take <see cref="ReusePolicy.Default"/>'s values, so
    /// a caller (or Semantic Kernel <c>ExtensionData</c>) may set only, say, <see cref="SparseXPropertyKeys.ReuseBudget"/>.
    /// Values may be strings, numbers or <see cref="JsonElement"/>s.
    /// </summary>
    /// <param name="options">The options, or null.</param>
    /// <returns>The policy, or null when no reuse key is set.</returns>
    /// <exception cref="ArgumentException">A value cannot be read; the message names the key.</exception>
    public static ReusePolicy? GetSparseXReuse(this ChatOptions? options)
    {
        var properties = options?.AdditionalProperties;
        if (properties is null || !properties.Keys.Any(k => k.StartsWith("sparsex:reuse_", StringComparison.Ordinal)))
        {
            return null;
        }

        ReusePolicy policy = ReusePolicy.Default;
        if (properties.TryGetValue(SparseXPropertyKeys.ReuseMode, out object? mode))
        {
            policy = policy with { Mode = ReadEnum<ReuseMode>(SparseXPropertyKeys.ReuseMode, mode) };
        }

        if (properties.TryGetValue(SparseXPropertyKeys.ReuseSelector, out object? selector))
        {
            policy = policy with { Selector = ReadEnum<SelectorKind>(SparseXPropertyKeys.ReuseSelector, selector) };
        }

        if (properties.TryGetValue(SparseXPropertyKeys.ReuseBudget, out object? budget))
        {
            policy = policy with { Budget = ReadDouble(SparseXPropertyKeys.ReuseBudget, budget) };
        }

        if (properties.TryGetValue(SparseXPropertyKeys.ReuseFullLayers, out object? fullLayers))
        {
            policy = policy with { FullLayers = ReadInt(SparseXPropertyKeys.ReuseFullLayers, fullLayers) };
        }

        if (properties.TryGetValue(SparseXPropertyKeys.ReuseBoundaryTokens, out object? boundary))
        {
            policy = policy with { BoundaryTokens = ReadInt(SparseXPropertyKeys.ReuseBoundaryTokens, boundary) };
        }

        if (properties.TryGetValue(SparseXPropertyKeys.ReuseSelectionLayer, out object? selectionLayer))
        {
            policy = policy with { SelectionLayer = ReadInt(SparseXPropertyKeys.ReuseSelectionLayer, selectionLayer) };
        }

        if (properties.TryGetValue(SparseXPropertyKeys.ReuseNamespace, out object? ns))
        {
            policy = policy with { Namespace = ReadString(SparseXPropertyKeys.ReuseNamespace, ns) };
        }

        if (properties.TryGetValue(SparseXPropertyKeys.ReuseRandomSeed, out object? seed))
        {
            policy = policy with { RandomSeed = ReadInt(SparseXPropertyKeys.ReuseRandomSeed, seed) };
        }

        return policy;
    }

    private static TEnum ReadEnum<TEnum>(string key, object? value)
        where TEnum : struct, Enum
    {
        if (value is TEnum e)
        {
            return e;
        }

        string text = ReadString(key, value);
        if (Enum.TryParse(text, ignoreCase: true, out TEnum parsed) && Enum.IsDefined(parsed) && !int.TryParse(text, out _))
        {
            return parsed;
        }

        throw new ArgumentException($"ChatOptions.AdditionalProperties[\"{key}\"] = '{text}' is not one of {string.Join(", ", Enum.GetNames<TEnum>())}.");
    }

    private static string ReadString(string key, object? value) => value switch
    {
        string s => s,
        JsonElement { ValueKind: JsonValueKind.String } j => j.GetString()!,
        _ => throw new ArgumentException($"ChatOptions.AdditionalProperties[\"{key}\"] must be a string (got {Describe(value)})."),
    };

    private static double ReadDouble(string key, object? value) => value switch
    {
        double d => d,
        float f => f,
        decimal m => (double)m,
        int or long or short => Convert.ToDouble(value, CultureInfo.InvariantCulture),
        JsonElement { ValueKind: JsonValueKind.Number } j => j.GetDouble(),
        _ when TryText(value, out string? s) && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed) => parsed,
        _ => throw new ArgumentException($"ChatOptions.AdditionalProperties[\"{key}\"] must be a number (got {Describe(value)})."),
    };

    private static int ReadInt(string key, object? value) => value switch
    {
        int i => i,
        long l when l is >= int.MinValue and <= int.MaxValue => (int)l,
        short s => s,
        JsonElement { ValueKind: JsonValueKind.Number } j when j.TryGetInt32(out int i) => i,
        _ when TryText(value, out string? s) && int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int parsed) => parsed,
        _ => throw new ArgumentException($"ChatOptions.AdditionalProperties[\"{key}\"] must be an integer (got {Describe(value)})."),
    };

    private static bool TryText(object? value, out string? text)
    {
        text = value switch
        {
            string s => s,
            JsonElement { ValueKind: JsonValueKind.String } j => j.GetString(),
            _ => null,
        };
        return text is not null;
    }

    private static string Describe(object? value) => value is null ? "null" : $"{value.GetType().Name} '{value}'";
}
