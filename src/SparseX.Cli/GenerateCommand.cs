using System.ComponentModel;
using SparseX.Engine.Runtime;
using SparseX.Engine.Text.Templates;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SparseX.Cli;

/// <summary><c>sparsex generate &lt;checkpoint-dir&gt; --prompt "..." [--chat]</c>.</summary>
internal sealed class GenerateCommand : AsyncCommand<GenerateCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<checkpoint-dir>")]
        [Description("Hugging Face checkpoint directory.")]
        public string Checkpoint { get; init; } = string.Empty;

        [CommandOption("-p|--prompt <TEXT>")]
        [Description("The prompt (a user message with --chat).")]
        public string Prompt { get; init; } = string.Empty;

        [CommandOption("--chat")]
        [Description("Render the prompt as a user turn with the checkpoint's chat template.")]
        public bool Chat { get; init; }

        [CommandOption("--max-tokens <N>")]
        public int MaxTokens { get; init; } = 128;

        [CommandOption("--temperature <T>")]
        public float Temperature { get; init; }

        [CommandOption("--top-p <P>")]
        public float TopP { get; init; } = 1.0f;

        [CommandOption("--seed <N>")]
        public int? Seed { get; init; }

        [CommandOption("--device <DEVICE>")]
        public string Device { get; init; } = "cpu";

        public override ValidationResult Validate() =>
            string.IsNullOrEmpty(Prompt) ? ValidationResult.Error("--prompt is required.") : ValidationResult.Success();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        using SparseXEngine engine = SparseXEngine.Load(new EngineOptions { ModelPath = settings.Checkpoint, Device = settings.Device });
        string prompt = settings.Prompt;
        if (settings.Chat)
        {
            ChatTemplate template = ChatTemplate.FromDirectory(settings.Checkpoint);
            prompt = template.Render(new[] { new TemplateMessage("user", settings.Prompt) }, tools: null, addGenerationPrompt: true);
        }

        var request = new GenerationRequest
        {
            PromptTokenIds = settings.Chat ? engine.Tokenizer.Encode(prompt) : null,
            Prompt = settings.Chat ? null : prompt,
            Options = new GenerationOptions { MaxNewTokens = settings.MaxTokens, Temperature = settings.Temperature, TopP = settings.TopP, Seed = settings.Seed },
        };
        FinishReason? finish = null;
        await foreach (GenerationUpdate update in engine.GenerateAsync(request, cancellationToken))
        {
            Console.Write(update.Text);
            finish ??= update.FinishReason;
        }

        Console.WriteLine();
        AnsiConsole.MarkupLine($"[grey]finish: {finish}[/]");
        return 0;
    }
}
