using SparseX.Engine.Cache;
using SparseX.Engine.Model;
using SparseX.Engine.Reuse;
using SparseX.Engine.Runtime;
using TorchSharp;

namespace SparseX.Engine.Tests;

public class GenerationTests : IClassFixture<EngineFixture>
{
    private readonly SparseXEngine _engine;

    public GenerationTests(EngineFixture fixture) => _engine = fixture.Engine;

    internal static (int[] Prompt, int[] Greedy) Reference()
    {
        using ReferenceSet refs = ReferenceSet.Open(Path.Combine(FixturePaths.Model("llama-gqa-f32"), "references.safetensors"));
        return (refs.InputIds("short"), refs.Greedy("short")!);
    }

    internal static GenerationRequest Greedy(int[] prompt, int max, GenerationOptions? options = null) => new()
    {
        PromptTokenIds = prompt,
        Options = (options ?? new GenerationOptions()) with { MaxNewTokens = max, IgnoreEos = options?.IgnoreEos ?? true },
    };

    [Fact]
    public async Task GreedyGenerationMatchesTransformers()
    {
        var (prompt, greedy) = Reference();
        GenerationResult result = await _engine.GenerateTextAsync(Greedy(prompt, greedy.Length));
        Assert.Equal(greedy, result.TokenIds);
        Assert.Equal(FinishReason.MaxTokens, result.FinishReason);
        Assert.Equal(_engine.Tokenizer.Decode(greedy), result.Text);
    }

    [Fact]
    public async Task SeededSamplingIsReproducibleAndSeedSensitive()
    {
        var (prompt, _) = Reference();
        var options = new GenerationOptions { Temperature = 1.5f, TopP = 0.95f, TopK = 50, Seed = 7 };
        GenerationResult a = await _engine.GenerateTextAsync(Greedy(prompt, 20, options));
        GenerationResult b = await _engine.GenerateTextAsync(Greedy(prompt, 20, options));
        GenerationResult c = await _engine.GenerateTextAsync(Greedy(prompt, 20, options with { Seed = 8 }));
        Assert.Equal(a.TokenIds, b.TokenIds);
        Assert.NotEqual(a.TokenIds, c.TokenIds);
    }

    [Fact]
    public async Task StopTokenIdEndsGenerationBeforeTheToken()
    {
        var (prompt, greedy) = Reference();
        int index = Enumerable.Range(3, greedy.Length - 3).First(i => Array.IndexOf(greedy, greedy[i]) == i);
        var options = new GenerationOptions { StopTokenIds = new[] { greedy[index] } };
        GenerationResult result = await _engine.GenerateTextAsync(Greedy(prompt, greedy.Length, options));
        Assert.Equal(greedy[..index], result.TokenIds);
        Assert.Equal(FinishReason.EndOfSequence, result.FinishReason);
    }

    [Fact]
    public async Task StopStringCutsTheTextBeforeIt()
    {
        var (prompt, greedy) = Reference();
        string full = _engine.Tokenizer.Decode(greedy);
        string stop = full.Substring(full.Length / 2, 3);
        int cut = full.IndexOf(stop, StringComparison.Ordinal);
        var options = new GenerationOptions { StopSequences = new[] { stop } };
        GenerationResult result = await _engine.GenerateTextAsync(Greedy(prompt, greedy.Length, options));
        Assert.Equal(FinishReason.StopSequence, result.FinishReason);
        Assert.Equal(full[..cut], result.Text);
    }

    [Fact]
    public async Task CancellationStopsTheRequestAndFreesItsBlocks()
    {
        var (prompt, _) = Reference();
        using var cts = new CancellationTokenSource();
        int received = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (GenerationUpdate _ in _engine.GenerateAsync(Greedy(prompt, 500), cts.Token))
            {
                if (++received == 2)
                {
                    cts.Cancel();
                }
            }
        });

        Assert.Equal(2, received);
        await WaitIdleAsync(_engine);
        Assert.Equal(0, _engine.Stats.KvBlocksUsed);
        GenerationResult after = await _engine.GenerateTextAsync(Greedy(prompt, 3));
        Assert.Equal(3, after.TokenIds.Count);
    }

    [Fact]
    public async Task WhenAStreamEndsItsSequenceNoLongerRunsAndItsBlocksAreFree()
    {
        // The engine updates its counts and frees the blocks before it sends a stream's last update, so a caller that has
        // its answer sees them at once (a hosted test once read RunningSequences = 1 right after its response). The order
        // is by construction (ActiveSequence.Dispose); from outside it is a race that cannot be forced, hence the repeats.
        var (prompt, _) = Reference();
        for (int i = 0; i < 50; i++)
        {
            int tokens = 0;
            await foreach (GenerationUpdate update in _engine.GenerateAsync(Greedy(prompt, 1 + (i % 3))))
            {
                tokens += update.TokenIds.Count;
                if (update.FinishReason is not null)
                {
                    Assert.Equal(0, _engine.Stats.RunningSequences);
                    Assert.Equal(0, _engine.Stats.KvBlocksUsed);
                }
            }

            Assert.Equal(1 + (i % 3), tokens);
        }
    }

    [Fact]
    public async Task ConcurrentRequestsAreServedAndMatchSequentialOnes()
    {
        var (prompt, greedy) = Reference();
        int[][] prompts = Enumerable.Range(0, 12).Select(i => prompt[..(20 + i)]).ToArray();
        int[][] alone = new int[prompts.Length][];
        for (int i = 0; i < prompts.Length; i++)
        {
            alone[i] = (await _engine.GenerateTextAsync(Greedy(prompts[i], 12))).TokenIds.ToArray();
        }

        long batchedBefore = _engine.Stats.BatchedDecodeSteps;
        GenerationResult[] together = await Task.WhenAll(prompts.Select(p => _engine.GenerateTextAsync(Greedy(p, 12))));
        for (int i = 0; i < prompts.Length; i++)
        {
            Assert.Equal(alone[i], together[i].TokenIds);
        }

        Assert.Equal(greedy[..12], (await _engine.GenerateTextAsync(Greedy(prompt, 12))).TokenIds);
        Assert.True(_engine.Stats.BatchedDecodeSteps > batchedBefore, "decode steps were not batched");
    }

    [Fact]
    public async Task WhenThePoolRunsOutSequencesArePreemptedAndAllFinishWithTheirAloneOutputs()
    {
        // 40 blocks of 16 tokens; six 70-token prompts generating 40 tokens each need 6 × 7 = 42 blocks.
        using var small = SparseXEngine.Load(new EngineOptions { ModelPath = FixturePaths.Model("llama-gqa-f32"), KvCacheBytes = 40 * 16 * 1024 });
        var (prompt, _) = Reference();
        int[][] prompts = Enumerable.Range(0, 6).Select(i => prompt.Concat(prompt).Skip(3 * i).Take(70).ToArray()).ToArray(); // distinct: no shared prefix blocks
        var alone = new List<IReadOnlyList<int>>();
        foreach (int[] p in prompts)
        {
            alone.Add((await small.GenerateTextAsync(Greedy(p, 40))).TokenIds);
        }

        GenerationResult[] together = await Task.WhenAll(prompts.Select(p => small.GenerateTextAsync(Greedy(p, 40))));
        for (int i = 0; i < prompts.Length; i++)
        {
            Assert.Equal(alone[i], together[i].TokenIds);
        }

        Assert.True(small.Stats.Preemptions > 0, "the pool never ran out; the test does not exercise preemption");
        await WaitIdleAsync(small);
        Assert.Equal(0, small.Stats.KvBlocksUsed);
    }

    [Fact]
    public async Task PromptLongerThanTheContextFailsClearlyAndTheEngineKeepsServing()
    {
        int[] tooLong = Enumerable.Repeat(5, _engine.ContextLength + 1).ToArray();
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => _engine.GenerateTextAsync(Greedy(tooLong, 2)));
        Assert.Contains("context", ex.Message);
        GenerationResult ok = await _engine.GenerateTextAsync(Greedy(Reference().Prompt, 2));
        Assert.Equal(2, ok.TokenIds.Count);
    }

    [Fact]
    public async Task PromptLargerThanTheKvPoolFailsClearly()
    {
        // 8 MiB of 1 KiB tokens = 8192 tokens > context 4096, so use a tiny pool engine instead.
        using var small = SparseXEngine.Load(new EngineOptions { ModelPath = FixturePaths.Model("llama-gqa-f32"), KvCacheBytes = 64 * 1024 });
        int[] prompt = Enumerable.Range(0, 200).Select(i => 5 + (i % 100)).ToArray();
        var ex = await Assert.ThrowsAsync<KvCacheExhaustedException>(() => small.GenerateTextAsync(Greedy(prompt, 2)));
        Assert.Contains("KV cache exhausted", ex.Message);
        Assert.Equal(0, small.Stats.KvBlocksUsed);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(2048)]
    public async Task TokenIdsOutsideTheVocabularyAreRejected(int bad)
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => _engine.GenerateTextAsync(Greedy(new[] { 5, bad, 7 }, 2)));
        Assert.Contains("vocabulary", ex.Message);
    }

    [Fact]
    public async Task InvalidOptionsNameTheOption()
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => _engine.GenerateTextAsync(Greedy(new[] { 5, 6 }, 2, new GenerationOptions { TopP = 0 })));
        Assert.Contains("TopP", ex.Message);
        var ex2 = await Assert.ThrowsAsync<ArgumentException>(() => _engine.GenerateTextAsync(
            new GenerationRequest { PromptTokenIds = new[] { 5, 6 }, Reuse = new ReusePolicy { FullLayers = 0 } }));
        Assert.Contains("FullLayers", ex2.Message);
        var ex3 = await Assert.ThrowsAsync<ArgumentException>(() => _engine.GenerateTextAsync(
            new GenerationRequest { PromptTokenIds = new[] { 5, 6 }, Reuse = new ReusePolicy { FullLayers = 2, SelectionLayer = 0 } }));
        Assert.Contains("SelectionLayer must be in [F − 1", ex3.Message);
    }

    [Fact]
    public async Task TextPromptsAndSpansStreamText()
    {
        var request = GenerationRequest.FromSpans(
            new[] { PromptSpan.Segment(SegmentKind.System, "You are helpful."), PromptSpan.Plain(" Hello there") },
            new GenerationOptions { MaxNewTokens = 5, IgnoreEos = true });
        GenerationResult result = await _engine.GenerateTextAsync(request);
        Assert.Equal(5, result.TokenIds.Count);
        Assert.Equal(_engine.Tokenizer.Decode(result.TokenIds.ToArray()), result.Text);
        Assert.True(result.Report.TotalTokens > 0);
        Assert.True(result.Report.TimeToFirstToken > TimeSpan.Zero);
    }

    internal static async Task WaitIdleAsync(SparseXEngine engine)
    {
        // A cancelled request completes its stream before the engine thread has released its blocks.
        for (int i = 0; i < 200 && engine.Stats.KvBlocksUsed != 0; i++)
        {
            await Task.Delay(10);
        }
    }
}
