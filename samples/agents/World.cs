namespace SparseX.Samples.Agents;

/// <summary>
/// A small fictional world: companies and people whose documents refer to each other, so that answering a question
/// needs two or three documents and consecutive questions retrieve overlapping documents.
/// </summary>
internal static class World
{
    public static IReadOnlyList<WorldDocument> Documents { get; } =
    [
        new("Velmora", "Velmora Robotics is a warehouse-robot maker founded in 2011 by Ines Kobalt in Tallinn. Its chief engineer is Arun Pettersen."),
        new("Ines Kobalt", "Ines Kobalt founded Velmora Robotics. Before that she led the drone lab at Quillstone University. She chairs the board of Halvard Freight."),
        new("Arun Pettersen", "Arun Pettersen is the chief engineer of Velmora Robotics. He designed the Otter gripper and previously worked at Brightwater Optics."),
        new("Halvard Freight", "Halvard Freight is a shipping firm based in Gdansk. It is Velmora's largest customer and runs 40 Velmora robots in its Rotterdam hub."),
        new("Otter gripper", "The Otter gripper is Velmora's soft robotic hand, released in 2019. It uses lenses made by Brightwater Optics."),
        new("Brightwater Optics", "Brightwater Optics makes lenses and depth sensors in Porto. Its chief executive is Lena Duarte."),
        new("Lena Duarte", "Lena Duarte is the chief executive of Brightwater Optics. She studied physics at Quillstone University."),
        new("Quillstone University", "Quillstone University is in Tartu. Its drone lab was led by Ines Kobalt until 2010."),
        new("Rotterdam hub", "The Rotterdam hub of Halvard Freight opened in 2020 and handles 9,000 parcels an hour."),
        new("Nordlys Capital", "Nordlys Capital is a fund in Oslo that owns 30 percent of Velmora Robotics. Its partner Sven Aaland sits on Velmora's board."),
        new("Sven Aaland", "Sven Aaland is a partner at Nordlys Capital and a board member of Velmora Robotics."),
        new("Velmora 2024 results", "In 2024 Velmora Robotics sold 1,200 robots; revenue rose to 84 million euros. Halvard Freight bought 150 of them."),
    ];

    public static IReadOnlyList<WorldQuestion> Questions { get; } =
    [
        new("Who founded the company that makes the Otter gripper?", "Ines Kobalt", "Otter gripper Velmora founded"),
        new("In which city does the maker of the Otter gripper's lenses work?", "Porto", "Otter gripper lenses Brightwater"),
        new("Which university did the chief executive of Brightwater Optics attend?", "Quillstone", "Brightwater Optics Lena Duarte university"),
        new("Where is the largest customer of Velmora Robotics based?", "Gdansk", "Velmora largest customer Halvard"),
        new("How many robots did Velmora Robotics sell in 2024?", "1,200", "Velmora 2024 robots sold"),
        new("Which fund owns 30 percent of Velmora Robotics?", "Nordlys", "fund owns Velmora Nordlys"),
    ];
}
