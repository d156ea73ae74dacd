using System.Reflection;
using Spectre.Console;
using SparseX.Samples.Agents;

namespace SparseX.Samples.Tests;

/// <summary>The agents sample end to end, shortened: on the demo model, and on the fixture model (random weights: plumbing only).</summary>
public sealed class AgentsSampleTests
{
    [Fact]
    public async Task Two_turns_on_the_demo_model_search_reuse_segments_across_agents_and_turns_and_match_FullPrefill_at_r_1()
    {
        var output = new StringWriter();
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(output),
        });

        // One conversation, two of its questions: turn 2 reads turn 1's documents again. r = 1 recomputes every reused
        // token, so by the invariant of DESIGN §4 every answer equals FullPrefill's.
        SampleOptions options = SampleOptions.Parse(["--turns", "2", "--conversations", "1", "--budget", "1", "--threads", "1"]);
        SampleResult result = await AgentsSample.RunAsync(options, console);

        Assert.Equal(2, result.Turns.Count);
        Assert.All(result.Turns, t => Assert.NotNull(t.Search));
        Assert.All(result.Turns, t => Assert.NotEmpty(t.Retrieved));
        foreach (int turn in new[] { 1, 2 })
        {
            List<CallRecord> calls = result.Calls.Where(c => c.Turn == turn).ToList();
            Assert.Equal(["librarian", "librarian", "analyst", "reviewer"], calls.Select(c => c.Agent));

            // The librarian's first call is the tool-call attempt: either the model called search (and the tool ran)
            // or the workflow fell back, visibly.
            TurnState state = result.Turns[turn - 1];
            Assert.Equal(state.Search!.ByModel, calls[0].ToolCalls > 0 && result.Searches.Count > 0);
            Assert.Contains(state.Search.ByModel ? "the model called search" : "no tool call", output.ToString(), StringComparison.Ordinal);

            // The analyst and the reviewer compute little of the documents: reused or, in turn 2, a prefix hit.
            Assert.All(calls.Skip(2), c => Assert.True(c.NewTokens < c.PromptTokens / 4, $"turn {turn}: {c}"));
        }

        // Turn 1: the analyst reads the documents the librarian got as tool messages, after another system prompt.
        CallRecord analyst1 = result.Calls.Single(c => c.Turn == 1 && c.Agent == "analyst");
        Assert.True(analyst1.ReusedTokens > 0 && analyst1.SegmentsHit >= result.Turns[0].Retrieved.Count, analyst1.ToString());

        // Turn 2 asks another question about the same documents: the librarian finds them at new positions.
        CallRecord librarian2 = result.Calls.Where(c => c.Turn == 2 && c.Agent == "librarian").Last();
        Assert.True(librarian2.ReusedTokens > 0, $"turn 2 librarian reused {librarian2.ReusedTokens} tokens");
        Assert.All(result.Calls, c => Assert.Equal(c.PromptTokens, c.PrefixHitTokens + c.ReusedTokens + c.NewTokens));
        Assert.All(result.Calls, c => Assert.True(c.TimeToFirstToken > TimeSpan.Zero && c.FullPrefillTimeToFirstToken > TimeSpan.Zero));
        Assert.All(result.Calls, c => Assert.Equal(c.FullPrefillAnswer, c.Answer));

        string text = output.ToString();
        Assert.Contains("Turn 2", text, StringComparison.Ordinal);
        Assert.Contains("FullPrefill", text, StringComparison.Ordinal);
        Assert.Contains("tokens saved", text, StringComparison.Ordinal);
        Assert.Contains("accuracy (answers)", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task On_a_model_that_makes_no_tool_call_the_workflow_falls_back_visibly()
    {
        var output = new StringWriter();
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Out = new AnsiConsoleOutput(output) });
        SampleOptions options = SampleOptions.Parse(["--model", FixturePaths.LlamaGqa, "--turns", "1", "--conversations", "1", "--max-tokens", "4", "--threads", "1"])
            with { ToolCallMaxTokens = 8 };

        SampleResult result = await AgentsSample.RunAsync(options, console);

        TurnState turn = Assert.Single(result.Turns);
        Assert.False(turn.Search!.ByModel); // random weights write no well-formed call
        Assert.NotEmpty(turn.Retrieved);
        Assert.Contains("fallback", output.ToString(), StringComparison.Ordinal);
        Assert.Contains(result.Calls, c => c.Agent == "analyst" && c.ReusedTokens > 0);
    }

    [Fact]
    public void Entry_point_exits_0_on_a_model_and_2_on_a_bad_option()
    {
        MethodInfo main = typeof(AgentsSample).Assembly.EntryPoint!;
        TextWriter stdout = Console.Out;
        try
        {
            Console.SetOut(TextWriter.Null);
            Assert.Equal(0, (int)main.Invoke(null, [new[] { "--turns", "1", "--conversations", "1", "--max-tokens", "2", "--threads", "1" }])!);
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
}
