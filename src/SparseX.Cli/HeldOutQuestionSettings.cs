using System.ComponentModel;
using System.Globalization;
using SparseX.Cli.Quality;
using SparseX.World;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SparseX.Cli;

/// <summary>
/// The options <c>sparsex quality</c> and <c>sparsex calibrate</c> share: a checkpoint trained on SparseX.World, which
/// held-out questions to ask, and the CPU threads; with the checks both run before loading the model.
/// </summary>
internal abstract class HeldOutQuestionSettings : CommandSettings
{
    [CommandOption("--model <DIR>")]
    [Description("Checkpoint directory trained on SparseX.World (default models/sparsex-demo).")]
    public string Model { get; init; } = "models/sparsex-demo";

    [CommandOption("--seed <N>")]
    [Description("Held-out corpus seed; another seed draws other questions (default 1).")]
    public string Seed { get; init; } = "1";

    [CommandOption("--questions <N>")]
    [Description("Held-out questions, samples 0..N-1 (default 100).")]
    public string Questions { get; init; } = "100";

    [CommandOption("--kinds <LIST>")]
    [Description("Comma-separated question kinds to ask (Direct, CompanyAbove, PersonAbove, Alias; CompanyAboveFounder from world V12, CompanyChain from V14); default all.")]
    public string? Kinds { get; init; }

    [CommandOption("--world <N>")]
    [Description("World version whose held-out questions to ask (default: the one in the model's sparsex_world.json); 15 asks a V12 model only questions whose answer needs another document, among the most candidates.")]
    public string? World { get; init; }

    [CommandOption("--merged")]
    [Description("Every conversation's documents share one message, each its own segment ended by a newline: no token between two documents is computed afresh.")]
    public bool Merged { get; init; }

    [CommandOption("--isolated")]
    [Description("Cache each document in a warm-up request of its own (system prompt, that document, a question), as systems that precompute chunks independently do; default: shuffled warm-ups among other documents.")]
    public bool Isolated { get; init; }

    [CommandOption("--device <DEVICE>")]
    [Description("Torch device: cpu (default), cuda or cuda:N (a CUDA libtorch through SPARSEX_LIBTORCH, as on the GPU path in README.md).")]
    public string Device { get; init; } = "cpu";

    [CommandOption("--threads <N>")]
    [Description("Torch CPU threads (default: Torch's).")]
    public string? Threads { get; init; }

    /// <summary>
    /// Refuses unknown options and arguments, a missing model directory and an unknown or unavailable device (printing why),
    /// and sets the CPU threads.
    /// </summary>
    /// <param name="context">The command context.</param>
    /// <param name="threads">The parsed <c>--threads</c>.</param>
    /// <returns>The parsed <c>--device</c>; null when the command must fail. (Nothing touches Torch before the device is
    /// parsed, which loads an external libtorch first where SPARSEX_LIBTORCH names one.)</returns>
    internal TorchSharp.torch.Device? Ready(CommandContext context, int? threads)
    {
        if (HasUnknownArguments(context))
        {
            return null;
        }

        if (!Directory.Exists(Model))
        {
            AnsiConsole.MarkupLine($"[red]Error:[/] --model: directory '{Markup.Escape(Model)}' not found.");
            return null;
        }

        TorchSharp.torch.Device device;
        try
        {
            device = SparseX.Engine.Runtime.TorchRuntime.ParseDevice(Device);
        }
        catch (ArgumentException e)
        {
            AnsiConsole.MarkupLine($"[red]Error:[/] --device: {Markup.Escape(e.Message)}");
            return null;
        }

        if (threads is int n)
        {
            TorchSharp.torch.set_num_threads(n);
        }

        return device;
    }

    /// <summary>Prints the unknown options and arguments, if any.</summary>
    /// <param name="context">The command context.</param>
    /// <returns>True when there were some (the command must fail).</returns>
    internal static bool HasUnknownArguments(CommandContext context)
    {
        if (context.Remaining.Raw.Count == 0 && context.Remaining.Parsed.Count == 0)
        {
            return false;
        }

        string unknown = string.Join(" ", context.Remaining.Parsed.Select(g => g.Key).Concat(context.Remaining.Raw));
        AnsiConsole.MarkupLine($"[red]Error:[/] unknown option or argument: {Markup.Escape(unknown)}");
        return true;
    }

    /// <summary>Parses <c>--world</c>: a defined <see cref="WorldVersion"/> number.</summary>
    /// <param name="value">The raw value.</param>
    /// <returns>The version.</returns>
    /// <exception cref="FormatException">It is not one; the message names the option and the versions.</exception>
    internal static WorldVersion ParseWorld(string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && Enum.IsDefined((WorldVersion)v)
            ? (WorldVersion)v
            : throw new FormatException($"--world: '{value}' is not a world version (one of {string.Join(", ", Enum.GetValues<WorldVersion>().Select(x => (int)x))}).");

    /// <summary>The world whose questions are asked: <c>--world</c>, else the model's own (<see cref="WorldManifest"/>).</summary>
    /// <returns>The asked world and the one the model was trained on.</returns>
    internal (WorldVersion Asked, WorldVersion Trained) Worlds()
    {
        WorldVersion trained = WorldManifest.Read(Model);
        return (World is null ? trained : ParseWorld(World), trained);
    }

    /// <summary>Says which world's questions a title's run asked, and the model's own world when that differs.</summary>
    /// <param name="worlds">From <see cref="Worlds"/>.</param>
    /// <returns>For example " · world V15 (model trained on V12)".</returns>
    internal static string WorldLabel((WorldVersion Asked, WorldVersion Trained) worlds) =>
        $" · world {worlds.Asked}" + (worlds.Asked == worlds.Trained ? string.Empty : $" (model trained on {worlds.Trained})");

    /// <summary>Gets the model directory's name, for titles.</summary>
    internal string ModelName => Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(Model)));

    /// <summary>Gets the command line as typed, for the outputs' metadata.</summary>
    internal static string CommandLine => "sparsex " + string.Join(" ", Environment.GetCommandLineArgs().Skip(1));

    /// <summary>Runs the benchmark under a console progress bar counting questions.</summary>
    /// <param name="benchmark">The benchmark.</param>
    /// <param name="options">What it evaluates.</param>
    /// <param name="label">The progress bar's label (the questions are appended).</param>
    /// <param name="answers">Called with each question's answers (<c>--answers</c>), or null.</param>
    /// <returns>The rows.</returns>
    internal static IReadOnlyList<QualityResult> RunWithProgress(QualityBenchmark benchmark, QualityOptions options, string label, Action<QualityAnswers>? answers = null)
    {
        IReadOnlyList<QualityResult> results = [];
        AnsiConsole.Progress().Start(ctx =>
        {
            ProgressTask task = ctx.AddTask($"{label} × {options.Questions} questions", maxValue: options.Questions);
            results = benchmark.Run(options, (done, _) => task.Value = done, answers);
        });
        return results;
    }
}
