namespace SparseX.Cli.Quality;

/// <summary>What <see cref="QualityBenchmark.Run"/> evaluates.</summary>
/// <param name="Seed">The held-out corpus seed (another seed draws other questions).</param>
/// <param name="Questions">Questions: samples 0..n−1 of the held-out corpus (with <paramref name="Kinds"/>, the first n
/// samples of those kinds).</param>
/// <param name="Configurations">The grid.</param>
/// <param name="MaxNewTokens">The longest greedy answer.</param>
/// <param name="MaxPromptTokens">The longest conversation the corpus generates (default: the model's context).</param>
/// <param name="World">The question forms the model was trained on (its <c>sparsex_world.json</c>).</param>
/// <param name="Kinds">Only questions of these kinds (null: every kind), e.g. the ones whose answer depends on another
/// document's KV.</param>
/// <param name="Merged">Every conversation's documents share one message (<see cref="SparseX.World.CorpusGenerator.MergedShare"/>),
/// each still its own segment, with only the separator between them computed in every mode.</param>
internal sealed record QualityOptions(
    int Seed,
    int Questions,
    IReadOnlyList<QualityConfiguration> Configurations,
    int MaxNewTokens = 8,
    int? MaxPromptTokens = null,
    SparseX.World.WorldVersion World = SparseX.World.WorldVersion.V1,
    IReadOnlyCollection<SparseX.World.QuestionKind>? Kinds = null,
    bool Merged = false);
