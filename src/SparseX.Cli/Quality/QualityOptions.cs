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
/// each still its own segment and ended by the separator: no token between two documents is computed afresh.</param>
/// <param name="Isolated">Each document's KV is cached by a warm-up request of its own (system prompt, that document,
/// a question), as systems that precompute every chunk independently do, instead of in shuffled warm-ups among other
/// documents.</param>
internal sealed record QualityOptions(
    int Seed,
    int Questions,
    IReadOnlyList<QualityConfiguration> Configurations,
    int MaxNewTokens = 8,
    int? MaxPromptTokens = null,
    SparseX.World.WorldVersion World = SparseX.World.WorldVersion.V1,
    IReadOnlyCollection<SparseX.World.QuestionKind>? Kinds = null,
    bool Merged = false,
    bool Isolated = false);
