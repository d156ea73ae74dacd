using System.Globalization;
using SparseX.World;
using SparseX.Train.Text;
using SparseX.Train.Training;

// sparsex-train sample --seed N --split train|heldout --count K [--difficulty D] [--questions Q] [--world 1-15] [--hints S] [--hint-asked S] [--merged-share S]
// sparsex-train inspect --model HF-DIR --split train|heldout --index I --count K [--difficulty D] [--world 1-15] [--hints S] [--hint-asked S] [--merged-share S]
// sparsex-train attend --model HF-DIR [--split train|heldout] [--index I] [--count K] [--kind Direct|CompanyAbove|PersonAbove|Alias|CompanyAboveFounder|CompanyChain] [--top N] [--difficulty D] [--world 1-15] [--hints S] [--hint-asked S] [--merged-share S]
// sparsex-train eval --model HF-DIR [--split train|heldout] [--count N] [--difficulty D] [--world 1-15] [--hints S] [--hint-asked S] [--merged-share S]
// sparsex-train copytest [--steps N] [--len L] [--layers N] [--hidden H] [--lr X] [--dtype fp32|bf16]
// sparsex-train recalltest [--steps N] [--pairs P] [--queries Q] [--gap G] [--query-gap G (the last G tokens of the chat template between question and answer)] [--reverse 0|1] [--typed 1 (values of their own kind, gaps 0 to G)] [--mix 1 (the trainer's --recall-share rows)] [--pointer 1 (two-hop rows: facts whose value is "the company above")] [--preset tiny|demo] [--layers N] [--hidden H] [--lr X] [--init HF-DIR] [--device cpu|cuda] [--batch B]
// sparsex-train tokenizer --out DIR
// sparsex-train train --run DIR [--export DIR] [--init HF-DIR] [--device cpu|cuda] [--preset demo|small|tiny] [--hidden H] [--layers N] [--expand-layers N (with --init: N identity-initialised layers inserted)] [--heads N] [--kv-heads N] [--mlp N] [--seed N] [--minutes M] [--schedule-minutes M]
//                     [--steps N] [--batch B] [--context T] [--lr X] [--warmup N] [--eval N] [--checkpoint-seconds S] [--context-weight W]
//                     [--questions K] [--curriculum-steps N] [--difficulty D] [--world 1-15] [--copy-share S] [--recall-share S] [--recall-reverse S] [--recall-typed 1] [--recall-pointer S] [--hints S] [--hint-asked S] [--merged-share S]
if (args.Length == 0)
{
    Console.Error.WriteLine("usage: sparsex-train sample|tokenizer|train|inspect|attend|eval|copytest|recalltest|datarate [options]");
    return 2;
}

// The options each command reads: a misspelt option must stop the command, not leave a device run on a default.
var known = new Dictionary<string, string[]>(StringComparer.Ordinal)
{
    ["sample"] = ["seed", "split", "count", "difficulty", "questions", "world", "hints", "hint-asked", "merged-share"],
    ["datarate"] = ["tokenizer", "count"],
    ["inspect"] = ["model", "split", "index", "count", "difficulty", "world", "hints", "hint-asked", "merged-share", "seed"],
    ["attend"] = ["model", "split", "index", "count", "kind", "top", "difficulty", "world", "hints", "hint-asked", "merged-share", "seed"],
    ["eval"] = ["model", "split", "count", "difficulty", "world", "hints", "hint-asked", "merged-share", "seed"],
    ["copytest"] = ["steps", "len", "layers", "hidden", "lr", "dtype"],
    ["recalltest"] = ["steps", "pairs", "queries", "gap", "query-gap", "reverse", "typed", "mix", "recall-reverse", "pointer", "preset", "layers", "hidden", "lr", "init", "device", "batch"],
    ["tokenizer"] = ["out"],
    ["train"] = ["run", "export", "init", "device", "preset", "hidden", "layers", "expand-layers", "heads", "kv-heads", "mlp", "seed", "minutes", "schedule-minutes",
        "steps", "batch", "context", "lr", "warmup", "eval", "checkpoint-seconds", "context-weight", "questions", "curriculum-steps", "difficulty",
        "world", "copy-share", "recall-share", "recall-reverse", "recall-typed", "recall-pointer", "hints", "hint-asked", "merged-share"],
};
if (!known.TryGetValue(args[0], out string[]? commandOptions))
{
    Console.Error.WriteLine($"unknown command {args[0]} (sample, tokenizer, train, inspect, attend, eval, copytest, recalltest, datarate)");
    return 2;
}

var opts = new Dictionary<string, string>(StringComparer.Ordinal);
for (int i = 1; i < args.Length; i += 2)
{
    string name = args[i].StartsWith("--", StringComparison.Ordinal) ? args[i][2..] : "";
    if (!commandOptions.Contains(name))
    {
        Console.Error.WriteLine($"{args[0]}: unknown option '{args[i]}' (options: {string.Join(", ", commandOptions.Select(o => "--" + o))})");
        return 2;
    }

    if (i + 1 == args.Length)
    {
        Console.Error.WriteLine($"{args[0]}: option '{args[i]}' has no value");
        return 2;
    }

    opts[name] = args[i + 1];
}

WorldVersion World(string value) => int.TryParse(value, out int v) && Enum.IsDefined((WorldVersion)v)
    ? (WorldVersion)v
    : throw new ArgumentException($"--world: '{value}' is not a world version ({(int)Enum.GetValues<WorldVersion>()[0]} to {(int)Enum.GetValues<WorldVersion>()[^1]}).");
string Opt(string name, string fallback) => opts.TryGetValue(name, out var v) ? v : fallback;
int Int(string name, int fallback) => int.Parse(Opt(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
int? OptInt(string name) => opts.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : null;
double Dbl(string name, double fallback) => double.Parse(Opt(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

// The exported model `inspect`, `attend` and `eval` read.
string modelDir = Opt("model", "models/sparsex-demo");

// The conversations `inspect` and `eval` read: the model's world (or --world), held-out (or --split train), --hints and
// --hint-asked. An evaluation conversation asks one question, so `eval --hint-asked 1` states every answer in its linked
// document (a model that reads the question's key answers them all) and `eval --hints 1` states every other candidate's
// fact (a model that answers by elimination answers them all): the probes of tools/SparseX.Train/README.md.
CorpusGenerator ModelCorpus(SparseX.Engine.Text.HfTokenizer tok) => new(
    Int("seed", 1),
    Opt("split", "heldout") == "heldout" ? CorpusSplit.HeldOut : CorpusSplit.Train,
    t => tok.Encode(t).Length,
    version: opts.TryGetValue("world", out string? w) ? World(w) : WorldManifest.Read(modelDir))
{
    HintShare = Dbl("hints", 0),
    HintAskedShare = Dbl("hint-asked", 0),
    MergedShare = Dbl("merged-share", 0),
};

// Loads libtorch the engine's way (SPARSEX_LIBTORCH on the device, where the publish carries no libtorch of its own).
if (args[0] is "inspect" or "attend" or "copytest" or "recalltest" or "eval")
{
    SparseX.Engine.Runtime.TorchRuntime.Initialize();
}

switch (args[0])
{
    case "sample":
        var gen = new CorpusGenerator(Int("seed", 1), Opt("split", "train") == "heldout" ? CorpusSplit.HeldOut : CorpusSplit.Train, t => ByteLevel.PreTokenize(t).Count(), version: World(Opt("world", "1")))
        {
            HintShare = Dbl("hints", 0),
            HintAskedShare = Dbl("hint-asked", 0),
            MergedShare = Dbl("merged-share", 0),
        };
        for (int i = 0; i < Int("count", 2); i++)
        {
            Conversation c = gen.Sample(i, Dbl("difficulty", 1), Int("questions", 1));
            Console.WriteLine($"### sample {i}: {c.Kind}, answer '{c.Answer}', {c.DocumentCount} documents, tool {c.UsesTool}");
            Console.WriteLine(c.Render());
        }

        return 0;
    case "datarate":
        using (var tok = SparseX.Engine.Text.HfTokenizer.FromDirectory(Opt("tokenizer", "artifacts/tokenizer")))
        {
            var fast = WordLevelEncoder.Load(Opt("tokenizer", "artifacts/tokenizer"));
            var encoder = new SampleEncoder(fast.Encode);
            var g = new CorpusGenerator(1, CorpusSplit.Train, t => fast.Encode(t).Length);
            var sw = System.Diagnostics.Stopwatch.StartNew();
            long n = 0;
            Parallel.For(0, Int("count", 2000), i => Interlocked.Add(ref n, encoder.Encode(g.Sample(i)).Ids.Length));
            Console.WriteLine($"{n / sw.Elapsed.TotalSeconds:F0} tokens/s of training data ({Environment.ProcessorCount} threads)");
        }

        return 0;
    case "inspect":
        // Shows, for held-out (or train) questions, the top predictions at each answer token of an exported model.
        using (var model = LlamaTrainModel.LoadExport(modelDir, TorchSharp.torch.CPU))
        using (var tok = SparseX.Engine.Text.HfTokenizer.FromDirectory(modelDir))
        {
            var enc = new SampleEncoder(tok);
            CorpusGenerator g = ModelCorpus(tok);
            for (int i = Int("index", 0); i < Int("index", 0) + Int("count", 4); i++)
            {
                Conversation c = g.Sample(i, Dbl("difficulty", 1));
                EncodedSample s = enc.Encode(c);
                using var scope = TorchSharp.torch.NewDisposeScope();
                using var noGrad = TorchSharp.torch.no_grad();
                var logits = model.Forward(TorchSharp.torch.tensor(s.Ids.Select(x => (long)x).ToArray(), [1, s.Ids.Length]));
                var probs = logits[0].softmax(-1);
                Console.WriteLine($"### {i} {c.Kind}: {c.First.Question} -> {c.Answer}");

                // Every supervised token: hint answers inside the documents (--hints), then the answer.
                for (int j = 1; j < s.AnswerEnd; j++)
                {
                    if (s.Weights[j] != 1f)
                    {
                        continue;
                    }

                    if (j < s.AnswerStart)
                    {
                        Console.Write("  hint");
                    }

                    var (vals, idx) = probs[j - 1].topk(5);
                    var top = Enumerable.Range(0, 5).Select(k => $"{tok.Decode([(int)idx[k].item<long>()])}:{vals[k].item<float>():F2}");
                    Console.WriteLine($"  want {tok.Decode([s.Ids[j]])}: {string.Join(" ", top)}");
                }
            }
        }

        return 0;
    case "attend":
        // Where the model looks when it predicts each answer's first token (--kind: only questions of that kind).
        using (var model = LlamaTrainModel.LoadExport(modelDir, TorchSharp.torch.CPU))
        using (var tok = SparseX.Engine.Text.HfTokenizer.FromDirectory(modelDir))
        {
            CorpusGenerator g = ModelCorpus(tok);
            QuestionKind? kind = opts.TryGetValue("kind", out string? k)
                ? Enum.TryParse(k, out QuestionKind parsed) && Enum.IsDefined(parsed) ? parsed : throw new ArgumentException($"--kind: '{k}' is not a question kind ({string.Join(", ", Enum.GetNames<QuestionKind>())}).")
                : null;
            var onKey = new List<double[]>();
            for (int i = Int("index", 0); onKey.Count < Int("count", 1) && i < Int("index", 0) + 10_000; i++)
            {
                Conversation c = g.Sample(i, Dbl("difficulty", 1));
                if (kind is null || c.Kind == kind)
                {
                    Console.Write($"sample {i} ");
                    onKey.Add(AttentionReport.Print(model, tok, c, Console.Out, Int("top", 3)));
                }
            }

            // Where the look-up should land: the linked (or, for Direct, stating) document that holds the question's key.
            Console.WriteLine($"attention on the key's document by layer, mean of {onKey.Count}: "
                + string.Join(" ", Enumerable.Range(0, onKey.FirstOrDefault()?.Length ?? 0).Select(l => onKey.Average(m => m[l]).ToString("F2", CultureInfo.InvariantCulture))));
        }

        return 0;
    case "eval":
        // Exact match of an exported model's greedy answers at a corpus difficulty (1 = the evaluation setting; lower =
        // fewer companies and filler sentences), per question kind: tells weak look-ups from distraction by long contexts.
        using (var model = LlamaTrainModel.LoadExport(modelDir, TorchSharp.torch.CPU))
        using (var tok = SparseX.Engine.Text.HfTokenizer.FromDirectory(modelDir))
        {
            CorpusGenerator g = ModelCorpus(tok);
            double difficulty = Dbl("difficulty", 1);
            var conversations = Enumerable.Range(0, Int("count", 128)).Select(i => g.Sample(i, difficulty)).ToList();
            bool[] correct = Evaluator.Correct(model, new SampleEncoder(tok), conversations, TorchSharp.torch.ScalarType.Float32, batch: 8);
            string Rate(IEnumerable<int> which) => $"{which.Count(i => correct[i]) / (double)Math.Max(1, which.Count()):P0} of {which.Count()}";
            var all = Enumerable.Range(0, conversations.Count).ToList();
            Console.WriteLine($"difficulty {difficulty}: exact match {correct.Count(c => c) / (double)correct.Length:P1} of {conversations.Count} ("
                + string.Join(", ", all.GroupBy(i => conversations[i].Kind).OrderBy(g => g.Key).Select(g => $"{g.Key} {Rate(g)}")) + ")");

            // The linked kinds by how many documents refer the same way: with one, the key need not be read.
            Console.WriteLine("by candidates: " + string.Join(", ", all.Where(i => Evaluator.Candidates(conversations[i]) is not null)
                .GroupBy(i => (conversations[i].Kind, Evaluator.Candidates(conversations[i])!.Value)).OrderBy(g => g.Key)
                .Select(g => $"{g.Key.Kind} with {g.Key.Value} {Rate(g)}")));
            var stated = all.Where(i => Evaluator.StatesAnswer(conversations[i])).ToList();
            if (stated.Count > 0)
            {
                // With --hint-asked: the linked questions whose answer a document states (a hint may have been trimmed).
                Console.WriteLine("answer stated in a document: " + string.Join(", ", stated.GroupBy(i => conversations[i].Kind).OrderBy(g => g.Key).Select(g => $"{g.Key} {Rate(g)}")));
            }
        }

        return 0;
    case "copytest":
        // Sanity check of the trainer: a small model must learn in-context copying (induction) of random tokens.
        CopyTask.Train(
            TrainModelConfig.Tiny(1280) with { NumLayers = Int("layers", 2), HiddenSize = Int("hidden", 64) },
            Int("steps", 300),
            Int("len", 32),
            learningRate: Dbl("lr", 3e-3),
            compute: Opt("dtype", "fp32") == "bf16" ? TorchSharp.torch.ScalarType.BFloat16 : TorchSharp.torch.ScalarType.Float32,
            progress: (step, loss, acc) => Console.WriteLine($"step {step} loss {loss:F3} copy accuracy {acc:P0}"));
        return 0;
    case "recalltest":
        // What the trainer learns apart from the corpus: key-value recall with noise between a pair's tokens, or reversed.
        var recallConfig = Opt("preset", "tiny") == "demo" ? TrainModelConfig.Demo(1280) : TrainModelConfig.Tiny(1280);
        recallConfig = recallConfig with { NumLayers = OptInt("layers") ?? recallConfig.NumLayers, HiddenSize = OptInt("hidden") ?? recallConfig.HiddenSize };
        int[] recallSuffix, documentBoundary;
        int[][] pointers;
        using (var tok = SparseX.Engine.Text.HfTokenizer.FromDirectory(Opt("init", "models/sparsex-demo")))
        {
            recallSuffix = RecallTask.ChatQuerySuffix(t => tok.Encode(t));
            pointers = PointerRecallTask.CorpusPointers(t => tok.Encode(t));
            documentBoundary = PointerRecallTask.DocumentBoundary(t => tok.Encode(t));
        }

        int queryGap = Int("query-gap", 0);
        if (queryGap < 0 || queryGap > recallSuffix.Length)
        {
            throw new ArgumentException($"--query-gap: {queryGap} is outside [0, {recallSuffix.Length}] (the chat template's tokens between a question and its answer).");
        }

        SyntheticTask.Train(
            recallConfig,
            rng => Opt("pointer", "0") == "1"
                ? PointerRecallTask.Row(rng, 1280, pointers[rng.Next(pointers.Length)], documentBoundary, recallSuffix)
                : Opt("mix", "0") == "1"
                ? RecallTask.MixedRow(rng, 1280, recallSuffix, Dbl("recall-reverse", 0.5), Opt("typed", "0") == "1")
                : RecallTask.Row(rng, Int("pairs", 16), Int("queries", 8), Int("gap", 0), Opt("reverse", "0") == "1", 1280, recallSuffix[^queryGap..], Opt("typed", "0") == "1"),
            Int("steps", 300),
            Int("batch", 32),
            learningRate: Dbl("lr", 3e-3),
            compute: Opt("device", "cpu") == "cuda" ? TorchSharp.torch.ScalarType.BFloat16 : TorchSharp.torch.ScalarType.Float32,
            progress: (step, loss, acc) => Console.WriteLine($"step {step} loss {loss:F3} recall accuracy {acc:P0}"),
            init: opts.GetValueOrDefault("init"),
            device: new TorchSharp.torch.Device(Opt("device", "cpu")));
        return 0;
    case "tokenizer":
        WordTokenizerBuilder.Write(Opt("out", "artifacts/tokenizer"));
        return 0;
    case "train":
        var options = new TrainOptions
        {
            RunDirectory = Opt("run", "artifacts/train-run"),
            ExportDirectory = opts.GetValueOrDefault("export"),
            InitDirectory = opts.GetValueOrDefault("init"),
            Device = Opt("device", "cpu"),
            Preset = opts.GetValueOrDefault("preset"),
            Hidden = OptInt("hidden"),
            Layers = OptInt("layers"),
            ExpandLayers = Int("expand-layers", 0),
            Heads = OptInt("heads"),
            KvHeads = OptInt("kv-heads"),
            Mlp = OptInt("mlp"),
            Seed = Int("seed", 1),
            Minutes = Dbl("minutes", 6),
            ScheduleMinutes = opts.TryGetValue("schedule-minutes", out string? sm) ? double.Parse(sm, CultureInfo.InvariantCulture) : null,
            MaxSteps = Int("steps", 100_000),
            Batch = Int("batch", 32),
            Context = Int("context", 1024),
            LearningRate = Dbl("lr", 2e-3),
            Warmup = Int("warmup", 100),
            EvalQuestions = Int("eval", 512),
            CheckpointSeconds = Dbl("checkpoint-seconds", 120),
            ContextWeight = (float)Dbl("context-weight", 0.1),
            Questions = Int("questions", 1),
            CurriculumSteps = Int("curriculum-steps", 0),
            MaxDifficulty = Dbl("difficulty", 1),
            Hints = Dbl("hints", 0),
            HintAsked = Dbl("hint-asked", 0),
            MergedShare = Dbl("merged-share", 0),
            World = World(Opt("world", "1")),
            CopyShare = Dbl("copy-share", 0),
            RecallShare = Dbl("recall-share", 0),
            RecallReverse = Dbl("recall-reverse", 0.5),
            RecallTyped = Opt("recall-typed", "0") == "1",
            RecallPointer = Dbl("recall-pointer", 0),
        };
        new Trainer(options, Console.Out).Run();
        return 0;
    default:
        throw new InvalidOperationException($"command {args[0]} has options but no case");
}
