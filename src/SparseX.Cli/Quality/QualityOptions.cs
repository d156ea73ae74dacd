namespace SparseX.Cli.Quality;

/// <summary>What <see cref="QualityBenchmark.Run"/> evaluates.</summary>
/// <param name="Seed">The held-out corpus seed (another seed draws other questions).</param>
/// <param name="Questions">Questions: samples 0..n−1 of the held-out corpus.</param>
/// <param name="Configurations">The grid.</param>
/// <param name="MaxNewTokens">The longest greedy answer.</param>
/// <param name="MaxPromptTokens">The longest conversation the corpus generates (default: the model's context).</param>
/// <param name="World">The question forms the model was trained on (its <c>sparsex_world.json</c>).</param>
internal sealed record QualityOptions(int Seed, int Questions, IReadOnlyList<QualityConfiguration> Configurations, int MaxNewTokens = 8, int? MaxPromptTokens = null, SparseX.World.WorldVersion World = SparseX.World.WorldVersion.V1);
