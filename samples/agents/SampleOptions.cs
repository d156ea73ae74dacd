using System.Globalization;
using SparseX.Engine.Reuse;

namespace SparseX.Samples.Agents;

/// <summary>The sample's command-line options.</summary>
internal sealed record SampleOptions
{
    /// <summary>The default model directory, relative to the repository root (the project's own trained model).</summary>
    public const string DefaultModelDirectory = "models/sparsex-demo";

    public const string Usage =
        "Usage: dotnet run --project samples/agents [-- --model <hf-dir>] [--device cpu|cuda[:N]] [--mode Reuse|PrefixOnly|FullPrefill] " +
        "[--budget r] [--turns N] [--conversations N] [--max-tokens N] [--threads N]";

    /// <summary>Gets the checkpoint directory, or null for <see cref="DefaultModelDirectory"/>.</summary>
    public string? ModelPath { get; init; }

    public string Device { get; init; } = "cpu";

    public ReuseMode Mode { get; init; } = ReuseMode.Reuse;

    public double Budget { get; init; } = ReusePolicy.Default.Budget;

    public int Turns { get; init; } = 6;

    /// <summary>Gets how many of the world's conversations the document store holds (the turns go round them).</summary>
    public int Conversations { get; init; } = 3;

    /// <summary>Gets the output limit of the librarian's calls (a tool call is longer than a short answer).</summary>
    public int ToolCallMaxTokens { get; init; } = 48;

    public int MaxOutputTokens { get; init; } = 16;

    public int? CpuThreads { get; init; }

    /// <summary>Gets the policy the agents run with (the compared mode is always FullPrefill).</summary>
    public ReusePolicy Policy => ReusePolicy.Default with { Mode = Mode, Budget = Budget };

    /// <summary>Parses <c>--name value</c> pairs.</summary>
    /// <exception cref="ArgumentException">An unknown option or a bad value; the message names it.</exception>
    public static SampleOptions Parse(IReadOnlyList<string> args)
    {
        var options = new SampleOptions();
        for (int i = 0; i < args.Count; i++)
        {
            string name = args[i];
            if (!name.StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Count)
            {
                throw new ArgumentException($"Expected '--option value', got '{name}'.");
            }

            string value = args[++i];
            options = name switch
            {
                "--model" => options with { ModelPath = value },
                "--device" => options with { Device = value },
                "--mode" => options with { Mode = Enum.TryParse(value, ignoreCase: true, out ReuseMode m) && Enum.IsDefined(m) && !int.TryParse(value, out _) ? m : throw Bad(name, value) },
                "--budget" => options with { Budget = double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double r) && r is >= 0 and <= 1 ? r : throw Bad(name, value) },
                "--turns" => options with { Turns = PositiveInt(name, value) },
                "--conversations" => options with { Conversations = PositiveInt(name, value) },
                "--max-tokens" => options with { MaxOutputTokens = PositiveInt(name, value) },
                "--threads" => options with { CpuThreads = PositiveInt(name, value) },
                _ => throw new ArgumentException($"Unknown option '{name}'."),
            };
        }

        return options;
    }

    /// <summary>Finds the checkpoint: the given path, or the default model under the current directory or above the binaries.</summary>
    /// <param name="searchRoots">Where to look for the default model; by default the current directory and every folder above the binaries.</param>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist; the message tells what to pass.</exception>
    public string ResolveModelPath(IEnumerable<string>? searchRoots = null)
    {
        if (ModelPath is not null)
        {
            return Directory.Exists(ModelPath)
                ? Path.GetFullPath(ModelPath)
                : throw new DirectoryNotFoundException($"--model {ModelPath}: no such directory.");
        }

        foreach (string root in searchRoots ?? DefaultSearchRoots())
        {
            string candidate = Path.Combine(root, DefaultModelDirectory);
            if (File.Exists(Path.Combine(candidate, "config.json")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException(
            $"The default model ({DefaultModelDirectory}/) is not in this checkout yet. Pass a Hugging Face checkpoint directory with " +
            "--model <hf-dir>, e.g. dotnet run --project samples/agents -- --model ../shared/fixtures/hf-reference/llama-gqa-f32 " +
            "(random weights: the plumbing runs, the answers are gibberish).");
    }

    private static IEnumerable<string> DefaultSearchRoots()
    {
        yield return Directory.GetCurrentDirectory();
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            yield return dir.FullName;
        }
    }

    private static int PositiveInt(string name, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n > 0 ? n : throw Bad(name, value);

    private static ArgumentException Bad(string name, string value) => new($"{name} {value}: invalid value.");
}
