using SparseX.Cli;
using Spectre.Console.Cli;

var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName("sparsex");
    config.AddCommand<VerifyCommand>("verify")
        .WithDescription("Recompute a references.safetensors (logits, hidden states, greedy tokens) and compare.");
    config.AddCommand<GenerateCommand>("generate")
        .WithDescription("Stream a completion from a checkpoint.");
    config.AddCommand<TemplateCommand>("template")
        .WithDescription("Render a chat template (or list its segment spans) for a conversation.");
    config.AddCommand<ReuseCheckCommand>("reuse-check")
        .WithDescription("Check the reuse invariants on random multi-segment requests.");
    config.AddCommand<ReuseQualityCommand>("reuse-quality")
        .WithDescription("First-token KL and top-1 agreement against full prefill, per selector and budget.");
});
return app.Run(args);
