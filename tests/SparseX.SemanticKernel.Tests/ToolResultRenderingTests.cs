using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;
using SparseX.Engine.Reuse;
using AITextContent = Microsoft.Extensions.AI.TextContent;

namespace SparseX.SemanticKernel.Tests;

/// <summary>
/// Multi-part function results become one tool message (one segment) per part, and a template that renders message
/// content only gets earlier tool calls written back in the model's format.
/// </summary>
public class ToolResultRenderingTests
{
    private const string Call = "<tool_call>{\"name\": \"search\", \"arguments\": {\"query\": \"Oslo Labs\"}}</tool_call>";

    [Fact]
    public async Task ChatMlGetsTheCallBackAsHermesTextAndOneToolMessagePerDocumentOfASemanticKernelFunction()
    {
        var generator = new ScriptedGenerator(Templates.ChatMl, Call, "Ada");
        AIFunction search = KernelFunctionFactory.CreateFromMethod(
            (string query) => (IList<AIContent>)[new AITextContent("Doc one ."), new AITextContent("Doc two .")], "search").WithKernel(new Kernel());
        using IChatClient client = new SparseXChatClient(generator).AsBuilder().UseFunctionInvocation().Build();

        ChatResponse response = await client.GetResponseAsync("Who?", new ChatOptions { Tools = [search], Instructions = "Use search ." });

        Assert.Equal("Ada", response.Text);
        Assert.Equal(
            "<|im_start|>system\nUse search .<|im_end|>\n<|im_start|>user\nWho?<|im_end|>\n<|im_start|>assistant\n" + Call + "<|im_end|>\n" +
            "<|im_start|>tool\nDoc one .<|im_end|>\n<|im_start|>tool\nDoc two .<|im_end|>\n<|im_start|>assistant\n",
            generator.PromptText());
        Assert.Equal(["Doc one .", "Doc two ."], generator.Segments().Where(s => s.Kind == SegmentKind.ToolOutput).Select(s => s.Text));
    }

    [Fact]
    public async Task QwenGroupsTheDocumentsOfAnAIFunctionFactoryFunctionAsSeveralToolResponses()
    {
        var generator = new ScriptedGenerator(Templates.Qwen25, Call, "Ada");
        AIFunction search = AIFunctionFactory.Create((string query) => (IList<AIContent>)[new AITextContent("Doc one ."), new AITextContent("Doc two .")], "search");
        using IChatClient client = new SparseXChatClient(generator).AsBuilder().UseFunctionInvocation().Build();

        await client.GetResponseAsync("Who?", new ChatOptions { Tools = [search] });

        // Qwen's template renders the call itself (unchanged), and consecutive tool messages as one user turn.
        Assert.Contains(
            "<|im_start|>user\n<tool_response>\nDoc one .\n</tool_response>\n<tool_response>\nDoc two .\n</tool_response><|im_end|>\n<|im_start|>assistant\n",
            generator.PromptText());
        Assert.Contains("<tool_call>\n{\"name\": \"search\", \"arguments\": {\"query\": \"Oslo Labs\"}}\n</tool_call>", generator.PromptText());
    }

    [Fact]
    public async Task AJsonArrayThatIsNotContentStaysOneToolMessage()
    {
        var generator = new ScriptedGenerator(Templates.ChatMl, Call, "Ada");
        AIFunction search = AIFunctionFactory.Create((string query) => new[] { "a", "b" }, "search");
        using IChatClient client = new SparseXChatClient(generator).AsBuilder().UseFunctionInvocation().Build();

        await client.GetResponseAsync("Who?", new ChatOptions { Tools = [search] });

        string prompt = generator.PromptText();
        Assert.Single(prompt.Split("<|im_start|>tool\n").Skip(1));
        Assert.Matches("<\\|im_start\\|>tool\n\\[\\s*\"a\",\\s*\"b\"\\s*\\]<\\|im_end\\|>", prompt);
    }
}
