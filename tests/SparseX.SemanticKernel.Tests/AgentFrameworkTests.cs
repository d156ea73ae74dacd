using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;
using SparseX.Engine.Reuse;

namespace SparseX.SemanticKernel.Tests;

public class AgentFrameworkTests
{
    [Fact]
    public async Task ContextProviderAddsOneDocumentSegmentPerDocument()
    {
        var generator = new ScriptedGenerator("The docs say the bridge opened in 1932.");
        var queries = new List<string>();
        var provider = new SparseXDocumentContextProvider((query, _) =>
        {
            queries.Add(query);
            return Task.FromResult<IEnumerable<SparseXDocument>>([new("The bridge opened in 1932.", "doc-1"), new("It is 1,149 m long.", "doc-2")]);
        });
        var agent = new ChatClientAgent(new SparseXChatClient(generator), new ChatClientAgentOptions
        {
            ChatOptions = new ChatOptions { Instructions = "Answer from the documents." },
            AIContextProviders = [provider],
        });

        AgentResponse response = await agent.RunAsync("When did the bridge open?");

        Assert.Equal("The docs say the bridge opened in 1932.", response.Text);
        Assert.Equal(["When did the bridge open?"], queries);
        Assert.Equal(
            [
                (SegmentKind.System, "Answer from the documents.", "instructions"),
                (SegmentKind.Document, "The bridge opened in 1932.", "doc-1"),
                (SegmentKind.Document, "It is 1,149 m long.", "doc-2"),
            ],
            generator.Segments());
        Assert.Contains(generator.Spans(), s => s.Kind is null && s.Text.Contains("When did the bridge open?", StringComparison.Ordinal));
    }
}
