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
    /// handled by the person above ."), instead of always two. A probe of the V5 model shows why it answers those questions
    /// at chance: stated outright in the linked document ("The X project was handled by P ."), it answers the other
    /// engineer in 20 of 25 — it finds the document that says "handled by the person above", not the one with the
    /// question's key, and with two engineers that shortcut is right half the time. More candidates make it pay less; a first
    /// 4.5-minute run on V7 did not yet make the model read the key (tools/SparseX.Train/README.md). Other conversations are
    /// V6's.</summary>
    V7 = 7,
}
