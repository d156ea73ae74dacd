using Spectre.Console.Cli;

namespace SparseX.Cli;

/// <summary>The <c>sparsex</c> command line: every command registered (used by <c>Program</c> and the tests).</summary>
internal static class SparseXApp
{
    /// <summary>Creates the app.</summary>
    /// <returns>The configured app.</returns>
    public static CommandApp Create()
    {
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
            config.AddCommand<QualityCommand>("quality")
                .WithDescription("Cross-segment quality on held-out questions: exact match, first-token KL, oracle recall per configuration.");
            config.AddCommand<CalibrateCommand>("calibrate")
                .WithDescription("Measure which layer ranks reused tokens best for Sparse-Q and write it beside the checkpoint (sparsex_reuse.json).");
        });
        return app;
    }
}
