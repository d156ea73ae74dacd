using SparseX.World;

namespace SparseX.Samples.Agents;

/// <summary>A question of the world with its ground-truth answer.</summary>
/// <param name="Conversation">The index of the conversation (in <see cref="DemoWorld.Conversations"/>) it asks about.</param>
/// <param name="Item">The question, answer and search query.</param>
internal sealed record WorldQuestion(int Conversation, QuestionAnswer Item)
{
    public string Text => Item.Question;

    public string Answer => Item.Answer;

    public string Query => Item.Query;

    /// <summary>Whether <paramref name="answer"/> gives the ground truth (it contains it, ignoring case).</summary>
    public bool IsAnsweredBy(string? answer) => answer?.Contains(Answer, StringComparison.OrdinalIgnoreCase) == true;
}
