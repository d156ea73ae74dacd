namespace SparseX.Train.Training;

/// <summary>Options of a training run.</summary>
public sealed class TrainOptions
{
    /// <summary>Gets or sets the run directory (tokenizer, checkpoint, log).</summary>
    public string RunDirectory { get; set; } = "artifacts/train-run";

    /// <summary>Gets or sets the export directory (Hugging Face layout); null: no export.</summary>
    public string? ExportDirectory { get; set; }

    /// <summary>Gets or sets an exported model (Hugging Face layout) to start from when the run directory has no
    /// checkpoint; null: random initialisation. Its tokenizer is kept.</summary>
    public string? InitDirectory { get; set; }

    /// <summary>Gets or sets the device (<c>cpu</c>, <c>cuda</c>).</summary>
    public string Device { get; set; } = "cpu";

    /// <summary>Gets or sets the model preset (<c>demo</c>, <c>small</c> or <c>tiny</c>); null: the shape of
    /// <see cref="InitDirectory"/>'s export if there is one, else <c>demo</c>.</summary>
    public string? Preset { get; set; }

    /// <summary>Gets or sets shape overrides applied to the preset (null: the preset's value): hidden size, layers,
    /// query heads, key/value heads, MLP width. A wider model costs little wall-clock time on the device, where the demo
    /// shape leaves the GPU mostly idle.</summary>
    public int? Hidden { get; set; }

    /// <summary>Gets or sets the number of layers (null: the preset's).</summary>
    public int? Layers { get; set; }

    /// <summary>Gets or sets the number of layers block expansion adds to <see cref="InitDirectory"/>'s export
    /// (<see cref="LlamaTrainModel.Expand"/>: new layers that start as the identity, so the deeper model starts where the
    /// export ended); 0: none. Only with <see cref="InitDirectory"/>.</summary>
    public int ExpandLayers { get; set; }

    /// <summary>Gets or sets the number of query heads (null: the preset's).</summary>
    public int? Heads { get; set; }

    /// <summary>Gets or sets the number of key/value heads (null: the preset's).</summary>
    public int? KvHeads { get; set; }

    /// <summary>Gets or sets the MLP width (null: the preset's).</summary>
    public int? Mlp { get; set; }

    /// <summary>Gets or sets the corpus seed (held-out evaluation uses the same seed on the held-out split).</summary>
    public int Seed { get; set; } = 1;

    /// <summary>Gets or sets the largest number of steps (this run and earlier ones together).</summary>
    public int MaxSteps { get; set; } = 100_000;

    /// <summary>Gets or sets the wall-clock budget of this run in minutes (the schedule ends with it).</summary>
    public double Minutes { get; set; } = 6;

    /// <summary>Gets or sets the minutes over which the learning rate decays across all runs of the run directory (null:
    /// over this run's <see cref="Minutes"/>, a warm restart in each resumed run).</summary>
    public double? ScheduleMinutes { get; set; }

    /// <summary>Gets or sets the conversations per step.</summary>
    public int Batch { get; set; } = 32;

    /// <summary>Gets or sets the context length (longest conversation).</summary>
    public int Context { get; set; } = 1024;

    /// <summary>Gets or sets the loss weight of tokens outside assistant turns.</summary>
    public float ContextWeight { get; set; } = 0.1f;

    /// <summary>Gets or sets the most questions per training conversation (each conversation asks 1 to this many).</summary>
    public int Questions { get; set; } = 1;

    /// <summary>Gets or sets the steps over which the corpus difficulty ramps from 0 to 1 (0: always 1).</summary>
    public int CurriculumSteps { get; set; }

    /// <summary>Gets or sets the corpus difficulty training ends at (and stays at; the curriculum ramps from 0 to it): below 1,
    /// training sees only short conversations (fewer companies and fillers), which ask as many questions in far fewer
    /// tokens — denser supervision of the look-ups. Evaluation always uses difficulty 1.</summary>
    public double MaxDifficulty { get; set; } = 1;

    /// <summary>Gets or sets the world's question forms (written to the export's <c>sparsex_world.json</c>).</summary>
    public SparseX.World.WorldVersion World { get; set; } = SparseX.World.WorldVersion.V1;

    /// <summary>Gets or sets the share of batch rows that are copy-task rows (<see cref="CopyTask.Row"/>, 64 random tokens
    /// shown twice): an induction warm-up, since the corpus alone did not form a copy head in the committed model.</summary>
    public double CopyShare { get; set; }

    /// <summary>Gets or sets the share of the remaining batch rows that are key–value recall rows (<see cref="RecallTask.MixedRow"/>:
    /// 4–16 pairs, 0–5 noise tokens between key and value, <see cref="RecallReverse"/> of them value first, 16 supervised
    /// queries; <see cref="RecallPointer"/> of them two-hop pointer rows instead): dense training
    /// of the content-keyed look-up the questions need. Copy rows can be solved by position alone; recall rows cannot, and
    /// the look-up forms abruptly after thousands of steps (<c>recalltest</c>).</summary>
    public double RecallShare { get; set; }

    /// <summary>Gets or sets the share of recall rows whose values come before their keys (the order of "C is a company
    /// based in CITY"); the rest are key first.</summary>
    public double RecallReverse { get; set; } = 0.5;

    /// <summary>Gets or sets a value indicating whether recall rows draw their values as a kind of their own, each pair
    /// with its own gap (<see cref="RecallTask.Row"/>'s <c>typed</c>), as the corpus's answers are entity names.</summary>
    public bool RecallTyped { get; set; }

    /// <summary>Gets or sets the share of recall rows that are two-hop pointer rows (<see cref="PointerRecallTask.Row"/>:
    /// facts whose value is "the company above" / "the person above", asked by key and answered with the name the pointer
    /// resolves to), the cross-document step of the corpus's linked questions.</summary>
    public double RecallPointer { get; set; }

    /// <summary>Gets or sets the share of facts a training conversation does not ask about that are restated in their
    /// document as supervised hint sentences (<see cref="SparseX.World.CorpusGenerator.HintShare"/>; world V2 and later).
    /// Held-out evaluation never has hints.</summary>
    public double Hints { get; set; }

    /// <summary>Gets or sets the share of asked facts restated as hint sentences too
    /// (<see cref="SparseX.World.CorpusGenerator.HintAskedShare"/>): equal to <see cref="Hints"/>, a hint no longer marks a
    /// fact that is not asked, which models trained with hints alone learn to answer by.</summary>
    public double HintAsked { get; set; }

    /// <summary>Gets or sets the share of document-format conversations whose documents share one message
    /// (<see cref="SparseX.World.CorpusGenerator.MergedShare"/>).</summary>
    public double MergedShare { get; set; }

    /// <summary>Gets or sets the peak learning rate.</summary>
    public double LearningRate { get; set; } = 2e-3;

    /// <summary>Gets or sets the warm-up steps.</summary>
    public int Warmup { get; set; } = 100;

    /// <summary>Gets or sets the held-out questions of the final evaluation.</summary>
    public int EvalQuestions { get; set; } = 512;

    /// <summary>Gets or sets the seconds between checkpoints (and quick evaluations).</summary>
    public double CheckpointSeconds { get; set; } = 120;
}
