namespace SparseX.Samples.Worker;

/// <summary>Settings of the sample's agents (configuration section <c>Agents</c>).</summary>
public sealed class AgentsOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Agents";

    /// <summary>Gets or sets the tokens each agent generates per turn.</summary>
    public int MaxNewTokens { get; set; } = 24;

    /// <summary>Gets or sets the rounds each agent runs (the second and later rounds find the shared segments cached).</summary>
    public int Rounds { get; set; } = 2;
}
