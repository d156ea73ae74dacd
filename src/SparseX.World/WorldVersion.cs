namespace SparseX.World;

/// <summary>
/// The version of the world's question forms. A model is evaluated with the version it was trained on
/// (<see cref="WorldManifest"/> in its directory says which; none means <see cref="V1"/>).
/// </summary>
public enum WorldVersion
{
    /// <summary>The committed demo model's world: "Where is C based ?", "Who founded C ?", "The person above later
    /// joined C as head of design ." / "Who joined C as head of design ?".</summary>
    V1 = 1,

    /// <summary>Every look-up key occurs once in a conversation: "Which company is based in CITY ?", "Which company was
    /// founded by P ?", "The person above later handled the X project ." / "Who handled the X project ?"; filler
    /// sentences name only the engineers' cities. (A model trained on V1 learned unique-key look-ups but not
    /// look-ups of a company named in several documents.)</summary>
    V2 = 2,

    /// <summary>V2's question forms with two shortcuts removed: an alias is another stem's three letters (not the
    /// company's own, so only "also known as" links them), and filler sentences may precede a document's first key
    /// sentence, so references such as "The company above" also sit mid-document (document heads alone no longer hold
    /// every cross-document link). Uses no word V2 does not, so a V2 model's tokenizer covers it.</summary>
    V3 = 3,

    /// <summary>V2's documents and question forms (not V3's) with every company and engineer introduction ending in
    /// sentences that restate who it is about, last: "The company based in CITY is C .", "The company founded by P is C .",
    /// "The engineer from CITY is P .". The entity a following document's "The company above" / "The person above" means is
    /// then named right before that document, however many filler sentences its introduction has, and Direct questions
    /// become forward look-ups of a restated fact; linking documents (launches, hires, "the person above") restate nothing,
    /// so their questions still need the document before or the alias's introduction. An experiment: models continued on it
    /// did not get more accurate (not even on Direct questions; tools/SparseX.Train/README.md). Uses no word V2 does not.</summary>
    V4 = 4,

    /// <summary>V4 with every linking sentence key first, its answer after the key: "The X was launched by the company
    /// above .", "The X project was handled by the person above .", "P was hired by ALIAS as chief engineer .". A model
    /// learns key-first recall with the answer a few tokens on quickly and value-first recall hardly at all
    /// (tools/SparseX.Train/README.md), while "the company above" / "the person above" still mean the document before,
    /// so the questions still need it. Same questions as V2 and V4 for the same seed; uses no word V2 does not.</summary>
    V5 = 5,

    /// <summary>V5 with the person link's key last in its question, as every other question has it: "The X was handled by
    /// the person above ." / "Who handled the X ?" instead of V5's "The X project was handled by the person above ." /
    /// "Who handled the X project ?". In V5 the question's last word before "?" is "project", which every such document
    /// shares, and every V5 model answers these questions at chance between the conversation's two engineers; a first
    /// 8.5-minute test on V6 did not lift them (tools/SparseX.Train/README.md). Same questions otherwise; uses no word V2
    /// does not.</summary>
    V6 = 6,

    /// <summary>V6 whose person-link conversations have two to four engineers, each introduced and then linked ("The X was
    /// handled by the person above ."), instead of always two, so that answering by elimination between two engineers pays
    /// less. (The elimination the V5 model learned turned out to come from the training hints, which marked the facts not
    /// asked: <see cref="CorpusGenerator.HintAskedShare"/>.) A first 4.5-minute run on V7 did not yet make the model read the
    /// key (tools/SparseX.Train/README.md). Other conversations are V6's.</summary>
    V7 = 7,

    /// <summary>V7 with every link asked by a key that is the question's last word and the candidates never one: a product
    /// is named by its stem alone ("The X was launched by the company above ." / "Which company launched the X ?", "The X
    /// was handled by the person above ." / "Who handled the X ?"; in V5–V7 its last word is the kind, "phone", which other
    /// products share), a conversation has no engineer or two or more (V7: two to four when asked), and no or at least two
    /// launching documents. The V5 model answers its direct questions, whose key is their last word, every time, but reads
    /// neither link's key: it answers CompanyAbove questions with one launching document every time and with two or more at
    /// about chance, and a model trained with hints that mark nothing (<see cref="CorpusGenerator.HintAskedShare"/>) picks
    /// between the engineers at chance even with the answer stated in the asked document (tools/SparseX.Train/README.md).
    /// Product stems are shared by the training and held-out splits (the full names are held out), so only
    /// people and companies stay unseen. Uses no word V2 does not.</summary>
    V8 = 8,

    /// <summary>V8 with both links keyed by a person, the key the models do look up (Direct's founders, Alias's hires; a
    /// product key is not looked up even with the answer stated in its document, tools/SparseX.Train/README.md): "P was
    /// hired by the company above ." / "Which company hired P ?" (the Alias question's form, which "P was hired by ALIAS as
    /// chief engineer ." answers through the alias), and "P was hired by the person above ." / "Who hired P ?". Never one
    /// candidate, as in V8; the people the links are about are held out like every other person. Uses no word V2 does
    /// not.</summary>
    V9 = 9,

    /// <summary>V5's forms (key first, "The X project was handled by the person above ." / "Who handled the X project ?")
    /// with engineers introduced without a project: two to four engineers in a person-link conversation (none or two to
    /// four in another), each linked half the time and the asked one always. The V5 model finds no engineer by the person
    /// link (its answer position attends to no linking document, `sparsex-train attend`); it answers among all engineers,
    /// which V5 rewards (each engineer there has a project, and a lone engineer answers their own question). Here the
    /// engineer before the only linking document is the answer where the lone engineer is not, as a company before the
    /// only launching document is in every world. Uses no word V2 does not.</summary>
    V10 = 10,

    /// <summary>V10 with filler sentences that may precede a document's first key sentence (V3's placement): a linking
    /// sentence ("The X was launched by the company above .") then sits anywhere in its document instead of opening it,
    /// so recomputing each reused document's first tokens (EPIC-style <c>SegmentHeads</c>) no longer recomputes the
    /// tokens that a wrong neighbour spoiled by construction. Same questions as V10 for the same seed otherwise; uses no
    /// word V2 does not.</summary>
    V11 = 11,

    /// <summary>V11 with two-hop questions (<see cref="QuestionKind.CompanyAboveFounder"/>): "Who founded the company that
    /// launched the X ?" after "The X was launched by the company above .". Answered at question time it takes three
    /// look-ups (X's document, the company before it, that company's founder) where a model that resolved "the company
    /// above" inside the linking document needs two — the resolution that naive reuse of a document cached after other
    /// documents (or alone) spoils. A fifth of the questions, drawn from Direct's and CompanyAbove's shares. Uses no word
    /// V2 does not.</summary>
    V12 = 12,

    /// <summary>V12 with aliases that only context resolves: a company with an alias is introduced without it and always
    /// launches a product, announced as "The X was launched by the company above , also known as A ."; the hire that the
    /// Alias question asks about names the company by A alone. Up to V12 the alias is given next to the company's name in
    /// its own introduction, so "Which company hired P ?" is a lexical look-up that no cached document's KV can spoil
    /// (naive reuse kept 89–96% of Alias questions on T12, docs/quality.md); here A means "the company above" of the
    /// launching document, as the two-hop question's link does. Same kinds and shares as V12; uses no word V2 does not.
    /// Measured: a model trained on it (U13d) still answers every Alias question under naive reuse, resolving the link at
    /// question time (tools/SparseX.Train/README.md, twelfth session).</summary>
    V13 = 13,

    /// <summary>V12 (not V13: an alias is given in its company's introduction again) with chained launches
    /// (<see cref="QuestionKind.CompanyChain"/>): a company's next product is announced only through the one before ("The Y
    /// was launched by the company that launched the X ."; <see cref="CorpusGenerator.MaxChain"/> such links) after "The X
    /// was launched by the company above ."; each chained announcement comes somewhere after the one it names. A model
    /// reading the documents in order can resolve each link where it stands, from the announcement before it; a question
    /// asked over documents whose KV was computed alone has to redo the whole chain from its few fresh tokens. Why: on T12,
    /// naive reuse of documents cached alone still answered 53–68% of linked questions by resolving one link at question
    /// time (and T12 run on V12 with four to seven companies instead of three to five lost no more: a guess among more
    /// companies was not what answered them). A quarter of the questions, with a tenth Direct and a tenth Alias (V12: 15%
    /// and 20%; both look-ups next to a name that no cached KV spoils). Uses no word V2 does not. Measured: 20 H200-minutes
    /// of training from T12 did not teach the chain (X14b: 92.2% held-out on the device, but 42% of chained questions on
    /// the quality benchmark with full prefill, where naive reuse answers about as many; tools/SparseX.Train/README.md,
    /// thirteenth session).</summary>
    V14 = 14,

    /// <summary>The cross-segment benchmark world: V12's documents and question forms (a V12 model knows every sentence),
    /// with only the questions whose answer needs another document — a third each <see cref="QuestionKind.CompanyAbove"/>,
    /// <see cref="QuestionKind.CompanyAboveFounder"/> and <see cref="QuestionKind.PersonAbove"/>, no Direct and no Alias
    /// question — and always the most candidates V12 draws: five companies, and four engineers when a person link is asked
    /// (V12: three to five, two to four). Why: on T12 (400 V12 questions, merged, each cached alone) naive reuse answered
    /// every Direct and 97% of Alias questions, which one document answers, so V12's mix lost 21 points where its linked
    /// kinds lost 31; and naive reuse often answers the first-introduced company, a guess that pays less among more
    /// candidates. For evaluation (<c>sparsex quality --world 15</c> on a V12 model). Measured on T12 (400 questions,
    /// merged, each cached alone): full prefill 96.8%, naive reuse 62.0%, Sparse-Q at r = 0.15 95.3% (docs/quality.md).
    /// Uses no word V2 does not.</summary>
    V15 = 15,
}
