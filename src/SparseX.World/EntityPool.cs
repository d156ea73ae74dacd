namespace SparseX.World;

/// <summary>
/// The fixed pool of entity names (people, companies, cities, products), built from invented syllable words so
/// every word is in the tokenizer's vocabulary. Names are combinations of words (first + last name, stem +
/// suffix); a fixed share of the combinations is held out: training never sees a held-out full name, so
/// evaluation on them tests reading the documents, not memory. The pool does not depend on the corpus seed.
/// </summary>
public sealed class EntityPool
{
    private const int PoolSeed = 20261127;
    private static readonly Lazy<EntityPool> LazyInstance = new(() => new EntityPool());
    private static readonly string[] Onsets = ["b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "dr", "kr", "st", "tr", "th", "sh", "qu"];
    private static readonly string[] Vowels = ["a", "e", "i", "o", "u", "ai", "ei", "ou"];
    private static readonly string[] Codas = ["", "n", "r", "l", "s", "x", "m", "th", "k"];

    private EntityPool()
    {
        var rng = new Random(PoolSeed);
        var used = new HashSet<string>(StringComparer.Ordinal);
        string Word(int syllables)
        {
            while (true)
            {
                var sb = new System.Text.StringBuilder();
                for (int i = 0; i < syllables; i++)
                {
                    sb.Append(Onsets[rng.Next(Onsets.Length)]).Append(Vowels[rng.Next(Vowels.Length)]);
                    if (i == syllables - 1 || rng.Next(3) == 0)
                    {
                        sb.Append(Codas[rng.Next(Codas.Length)]);
                    }
                }

                string w = char.ToUpperInvariant(sb[0]) + sb.ToString(1, sb.Length - 1);
                if (w.Length >= 4 && used.Add(w))
                {
                    return w;
                }
            }
        }

        string[] Words(int n, int syllables) => Enumerable.Range(0, n).Select(_ => Word(syllables)).ToArray();
        FirstNames = Words(48, 2);
        LastNames = Words(48, 2);
        CompanyStems = Words(64, 2);
        Cities = Words(48, 2);
        ProductStems = Words(48, 2);
        People = Split([.. from f in FirstNames from l in LastNames select $"{f} {l}"], rng, out var heldPeople);
        HeldOutPeople = heldPeople;
        Companies = Split([.. from s in CompanyStems from x in CompanySuffixes select $"{s} {x}"], rng, out var heldCompanies);
        HeldOutCompanies = heldCompanies;
        Products = Split([.. from s in ProductStems from k in ProductKinds select $"{s} {k}"], rng, out var heldProducts);
        HeldOutProducts = heldProducts;
    }

    /// <summary>Gets the pool (it is fixed).</summary>
    public static EntityPool Instance => LazyInstance.Value;

    /// <summary>Gets the share of full names held out for evaluation.</summary>
    public static double HeldOutShare => 0.15;

    /// <summary>Gets the company name suffixes.</summary>
    public static IReadOnlyList<string> CompanySuffixes { get; } = ["Dynamics", "Labs", "Systems", "Works", "Group", "Motors", "Foods", "Energy"];

    /// <summary>Gets the product kinds.</summary>
    public static IReadOnlyList<string> ProductKinds { get; } = ["phone", "drone", "tablet", "scooter", "camera", "printer", "robot", "speaker"];

    /// <summary>Gets the first names.</summary>
    public IReadOnlyList<string> FirstNames { get; }

    /// <summary>Gets the last names.</summary>
    public IReadOnlyList<string> LastNames { get; }

    /// <summary>Gets the company stems (the first word of a company name; its alias is derived from it).</summary>
    public IReadOnlyList<string> CompanyStems { get; }

    /// <summary>Gets the city names.</summary>
    public IReadOnlyList<string> Cities { get; }

    /// <summary>Gets the product stems.</summary>
    public IReadOnlyList<string> ProductStems { get; }

    /// <summary>Gets the people of the training split.</summary>
    public IReadOnlyList<string> People { get; }

    /// <summary>Gets the held-out people.</summary>
    public IReadOnlyList<string> HeldOutPeople { get; }

    /// <summary>Gets the companies of the training split.</summary>
    public IReadOnlyList<string> Companies { get; }

    /// <summary>Gets the held-out companies.</summary>
    public IReadOnlyList<string> HeldOutCompanies { get; }

    /// <summary>Gets the products of the training split.</summary>
    public IReadOnlyList<string> Products { get; }

    /// <summary>Gets the held-out products.</summary>
    public IReadOnlyList<string> HeldOutProducts { get; }

    /// <summary>The alias of a company: its stem's first three letters in capitals (e.g. <c>VEL</c>).</summary>
    /// <param name="company">The company name.</param>
    /// <returns>The alias.</returns>
    public static string Alias(string company) => company[..3].ToUpperInvariant();

    private static string[] Split(string[] all, Random rng, out string[] heldOut)
    {
        rng.Shuffle(all);
        int n = (int)(all.Length * HeldOutShare);
        heldOut = all[..n];
        Array.Sort(heldOut, StringComparer.Ordinal);
        string[] train = all[n..];
        Array.Sort(train, StringComparer.Ordinal);
        return train;
    }
}
