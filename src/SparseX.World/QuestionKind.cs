namespace SparseX.World;

/// <summary>What a question needs to be answered.</summary>
public enum QuestionKind
{
    /// <summary>The answer is stated next to the entity the question names (no cross-document link).</summary>
    Direct,

    /// <summary>A document says "the company above"; the answer is the company introduced by the document before it.</summary>
    CompanyAbove,

    /// <summary>A document says "the person above"; the answer is the person introduced by the document before it.</summary>
    PersonAbove,

    /// <summary>A document names a company only by an alias introduced in another document.</summary>
    Alias,

    /// <summary>Two hops (<see cref="WorldVersion.V12"/>): "Who founded the company that launched the X ?" — the document
    /// that names X says "the company above", and the answer is the founder named in that company's introduction.</summary>
    CompanyAboveFounder,

    /// <summary>A chain (<see cref="WorldVersion.V14"/>): "Which company launched the Y ?" after "The Y was launched by the
    /// company that launched the X ." (up to <see cref="CorpusGenerator.MaxChain"/> such links, the question naming the
    /// last product) and "The X was launched by the company above ."; the answer is the company introduced before X's
    /// document.</summary>
    CompanyChain,
}
