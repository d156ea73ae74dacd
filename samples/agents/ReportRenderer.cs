using Spectre.Console;
using SparseX.Engine.Runtime;

namespace SparseX.Samples.Agents;

/// <summary>Writes the sample's report: per turn the answers and the reuse table, then a summary.</summary>
internal sealed class ReportRenderer(IAnsiConsole console)
{
    public void Header(string modelId, SampleOptions options, DemoWorld world)
    {
        console.Write(new Rule("[bold]SparseX agents[/]: librarian → analyst → reviewer on one hosted engine").LeftJustified());
        console.MarkupLine($"model [bold]{Markup.Escape(modelId)}[/], device {Markup.Escape(options.Device)}, mode [bold]{options.Mode}[/] " +
            $"(selector {options.Policy.Selector}, r = {options.Budget:0.##}, F = {options.Policy.FullLayers}), {options.Turns} turns, " +
            $"{world.Conversations.Count} held-out conversations of the synthetic world ({world.Conversations.Sum(c => c.Documents.Count)} documents, seed {DemoWorld.Seed}), " +
            $"max {options.MaxOutputTokens} output tokens; every call is re-sent with [bold]FullPrefill[/] for comparison.");
    }

    public void Turn(int turn, TurnState state, IReadOnlyList<CallRecord> calls)
    {
        console.WriteLine();
        console.Write(new Rule($"[yellow]Turn {turn}[/]").LeftJustified());
        console.MarkupLine($"[bold]Q:[/] {Markup.Escape(state.Question.Text)}  [grey](conversation {state.Question.Conversation + 1}; expected: {Markup.Escape(state.Question.Answer)})[/]");
        SearchOutcome? search = state.Search;
        if (search is { ByModel: true })
        {
            console.MarkupLine($"[bold]search:[/] [green]the model called[/] search(\"{Markup.Escape(search.ModelQuery!)}\") → {state.Retrieved.Count} documents, one tool message each");
        }
        else if (search is not null)
        {
            string what = search.ModelQuery is null ? $"[red]no tool call[/] by the model (it replied \"{Markup.Escape(Shorten(search.ModelReply ?? string.Empty))}\")" : $"[red]{Markup.Escape(search.ModelReply ?? string.Empty)}[/]";
            console.MarkupLine($"[bold]search:[/] {what}; [yellow]fallback[/]: the workflow searched \"{Markup.Escape(search.WorkflowQuery ?? string.Empty)}\" → {state.Retrieved.Count} documents and handed them to the librarian as its call's results");
        }

        var answers = new Table().Border(TableBorder.Rounded).Expand();
        answers.AddColumn(new TableColumn("agent").NoWrap());
        answers.AddColumn("answer (reuse)");
        answers.AddColumn(new TableColumn("ok").Centered());
        answers.AddColumn("answer (FullPrefill)");
        answers.AddColumn(new TableColumn("ok").Centered());
        answers.AddColumn(new TableColumn("same").Centered());
        foreach (CallRecord call in calls)
        {
            answers.AddRow(
                new Markup(Markup.Escape(call.Agent)),
                new Text(Shorten(call.Answer)),
                call.ToolCalls > 0 ? new Markup("[grey]call[/]") : Verdict(state.Question.IsAnsweredBy(call.Answer)),
                new Text(Shorten(call.FullPrefillAnswer)),
                call.ToolCalls > 0 ? new Markup("[grey]–[/]") : Verdict(state.Question.IsAnsweredBy(call.FullPrefillAnswer)),
                new Markup(call.Answer == call.FullPrefillAnswer ? "=" : "[grey]≠[/]"));
        }

        console.Write(answers);

        var reuse = new Table().Border(TableBorder.Simple)
            .Caption("[grey]tokens: prefix-hit / reused (of which recomputed) / new; segs = segments hit/missed; TTFT in ms with reuse vs FullPrefill[/]");
        foreach (string column in new[] { "agent", "prompt", "prefix", "reused", "recomp", "new", "segs", "TTFT", "FullPf", "gain" })
        {
            reuse.AddColumn(new TableColumn(column).NoWrap().Padding(new Padding(1, 0, 0, 0)).Alignment(column == "agent" ? Justify.Left : Justify.Right));
        }

        foreach (CallRecord call in calls)
        {
            reuse.AddRow(
                Markup.Escape(call.Agent),
                call.PromptTokens.ToString("N0"),
                call.PrefixHitTokens.ToString("N0"),
                call.ReusedTokens > 0 ? $"[green]{call.ReusedTokens:N0}[/]" : "0",
                call.RecomputedTokens.ToString("N0"),
                call.NewTokens.ToString("N0"),
                $"{call.SegmentsHit}/{call.SegmentsMissed}",
                $"{call.TimeToFirstToken.TotalMilliseconds:0.0}",
                $"{call.FullPrefillTimeToFirstToken.TotalMilliseconds:0.0}",
                SpeedUp(call.FullPrefillTimeToFirstToken, call.TimeToFirstToken).Replace("×", "x", StringComparison.Ordinal));
        }

        console.Write(reuse);
    }

    public void Summary(SampleResult result, IReadOnlyList<TurnState> turns, SampleOptions options, EngineStats? stats)
    {
        IReadOnlyList<CallRecord> calls = result.Calls;
        WorldQuestion QuestionOf(CallRecord c) => turns[c.Turn - 1].Question;
        long prompt = calls.Sum(c => (long)c.PromptTokens);
        long saved = calls.Sum(c => c.SavedTokens);
        TimeSpan reuseTtft = TimeSpan.FromTicks(calls.Sum(c => c.TimeToFirstToken.Ticks));
        TimeSpan fullTtft = TimeSpan.FromTicks(calls.Sum(c => c.FullPrefillTimeToFirstToken.Ticks));
        List<CallRecord> answers = calls.Where(c => c.ToolCalls == 0).ToList();
        int reuseCorrect = answers.Count(c => QuestionOf(c).IsAnsweredBy(c.Answer));
        int fullCorrect = answers.Count(c => QuestionOf(c).IsAnsweredBy(c.FullPrefillAnswer));
        int same = calls.Count(c => c.Answer == c.FullPrefillAnswer);
        int byModel = turns.Count(t => t.Search?.ByModel == true);

        console.WriteLine();
        console.Write(new Rule("[bold]Summary[/]").LeftJustified());
        var table = new Table().Border(TableBorder.Rounded).HideHeaders();
        table.AddColumn("what");
        table.AddColumn("value");
        table.AddRow("model calls", $"{calls.Count} by {string.Join(", ", calls.Select(c => c.Agent).Distinct())} over {turns.Count} turns (each also run with FullPrefill)");
        table.AddRow("search", $"{result.Searches.Count} tool calls by the model; documents found by the model's call in {byModel}/{turns.Count} turns, by the workflow's fallback in {turns.Count - byModel}");
        table.AddRow("prompt tokens", $"{prompt:N0}: prefix-hit {calls.Sum(c => c.PrefixHitTokens):N0}, reused {calls.Sum(c => c.ReusedTokens):N0} (recomputed {calls.Sum(c => c.RecomputedTokens):N0}), new {calls.Sum(c => c.NewTokens):N0}");
        table.AddRow("tokens saved", $"[green]{saved:N0}[/] of {prompt:N0} ({(prompt == 0 ? 0 : 100.0 * saved / prompt):0.#}%) not computed");
        table.AddRow("TTFT (sum)", $"reuse {Ms(reuseTtft)} vs FullPrefill {Ms(fullTtft)}: {SpeedUp(fullTtft, reuseTtft)}");
        table.AddRow("accuracy (answers)", $"{options.Mode}: {reuseCorrect}/{answers.Count}, FullPrefill: {fullCorrect}/{answers.Count} (answer contains the world's ground truth)");
        table.AddRow("same as FullPrefill", $"{same}/{calls.Count} calls gave identical output");
        table.AddRow("accuracy (final answers)", $"reviewer {turns.Count(t => t.Question.IsAnsweredBy(t.FinalAnswer))}/{turns.Count}");
        if (stats is not null)
        {
            table.AddRow("engine", $"{stats.RequestsCompleted} requests, {stats.Segments.Entries} segments stored ({stats.Segments.Hits} hits / {stats.Segments.Misses} misses)");
        }

        table.AddRow("wall time", $"{result.Elapsed.TotalSeconds:0.0} s (model load included)");
        console.Write(table);
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..77] + "…";

    private static Markup Verdict(bool correct) => new(correct ? "[green]✓[/]" : "[red]✗[/]");

    private static string Ms(TimeSpan t) => $"{t.TotalMilliseconds:0.0} ms";

    private static string SpeedUp(TimeSpan full, TimeSpan reuse) =>
        reuse > TimeSpan.Zero ? $"{full / reuse:0.00}×" : "–";
}
