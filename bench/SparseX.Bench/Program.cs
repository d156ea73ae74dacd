using SparseX.Bench;
using Spectre.Console.Cli;

var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName("sparsex-bench");
    config.AddCommand<TtftCommand>("ttft").WithDescription("TTFT of every reuse mode on RAG-shaped requests, plus batched decode tokens/s.");
    config.AddCommand<ReportCommand>("report").WithDescription("Merge result files, print the table, write markdown.");
});
return app.Run(args);
