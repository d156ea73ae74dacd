using System.Reflection;
using Spectre.Console;
using SparseX.Samples.Agents;

namespace SparseX.Samples.Tests;

/// <summary>The agents sample end to end on the fixture model (random weights: plumbing and reuse, not answers).</summary>
public sealed class AgentsSampleTests
{
    [Fact]
    public async Task Two_turns_run_every_agent_and_reuse_segments_across_agents_and_turns()
    {
        var output = new StringWriter();
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(output),
        });
        SampleOptions options = SampleOptions.Parse(["--model", FixturePaths.LlamaGqa, "--turns", "2", "--max-tokens", "4", "--threads", "1"]);

        SampleResult result = await AgentsSample.RunAsync(options, console);

        Assert.Equal(2, result.Turns.Count);
        Assert.All(result.Turns, t => Assert.NotEmpty(t.Retrieved));
        foreach (int turn in new[] { 1, 2 })
        {
            Assert.Equal(["librarian", "analyst", "reviewer"], result.Calls.Where(c => c.Turn == turn).Select(c => c.Agent).Distinct());
        }

        // Within turn 1 the analyst and reviewer read the librarian's documents in other orders: segment hits.
        Assert.Contains(result.Calls, c => c.Turn == 1 && c.Agent != "librarian" && c.ReusedTokens > 0 && c.SegmentsHit > 0);

        // Turn 2 finds segments of turn 1 (instructions, shared documents) again, at new positions.
        CallRecord librarian2 = Assert.Single(result.Calls, c => c.Turn == 2 && c.Agent == "librarian");
        Assert.True(librarian2.ReusedTokens > 0, $"turn 2 librarian reused {librarian2.ReusedTokens} tokens");
        Assert.All(result.Calls, c => Assert.Equal(c.PromptTokens, c.PrefixHitTokens + c.ReusedTokens + c.NewTokens));
        Assert.All(result.Calls, c => Assert.True(c.TimeToFirstToken > TimeSpan.Zero && c.FullPrefillTimeToFirstToken > TimeSpan.Zero));

        string text = output.ToString();
        Assert.Contains("Turn 2", text, StringComparison.Ordinal);
        Assert.Contains("FullPrefill", text, StringComparison.Ordinal);
        Assert.Contains("tokens saved", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Entry_point_exits_0_on_a_model_and_2_on_a_bad_option()
    {
        MethodInfo main = typeof(AgentsSample).Assembly.EntryPoint!;
        TextWriter stdout = Console.Out;
        try
        {
            Console.SetOut(TextWriter.Null);
            Assert.Equal(0, (int)main.Invoke(null, [new[] { "--model", FixturePaths.LlamaGqa, "--turns", "1", "--max-tokens", "2", "--threads", "1" }])!);
        }
        finally
        {
            Console.SetOut(stdout);
        }

        TextWriter stderr = Console.Error;
        try
        {
            Console.SetError(TextWriter.Null);
            Assert.Equal(2, (int)main.Invoke(null, [new[] { "--mode", "Sideways" }])!);
        }
        finally
        {
            Console.SetError(stderr);
        }
    }

    [Fact]
    public void Missing_default_model_tells_the_user_to_pass_model()
    {
        string empty = Directory.CreateTempSubdirectory("sparsex-agents-").FullName;
        var ex = Assert.Throws<DirectoryNotFoundException>(() => new SampleOptions().ResolveModelPath([empty]));
        Assert.Contains("--model", ex.Message, StringComparison.Ordinal);
        Assert.Contains(SampleOptions.DefaultModelDirectory, ex.Message, StringComparison.Ordinal);
        Directory.Delete(empty);
    }

    [Fact]
    public void Every_question_is_answerable_from_the_documents_the_reviewer_reads()
    {
        var store = new DocumentStore(World.Documents);
        foreach (WorldQuestion question in World.Questions)
        {
            IEnumerable<WorldDocument> read = store.Retrieve(question.Query, 3).Concat(store.Retrieve(question.Text, 4));
            Assert.True(read.Any(d => question.IsAnsweredBy(d.Text)), $"no document read for '{question.Text}' contains '{question.Answer}'");
        }
    }
}
