using Spectre.Console;
using SparseX.Samples.Agents;

// Agents sharing one hosted SparseX engine: a librarian with a search tool, an analyst and a reviewer, over several
// turns, each call measured against FullPrefill in the same run.
SampleOptions options;
try
{
    options = SampleOptions.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    Console.Error.WriteLine(SampleOptions.Usage);
    return 2;
}

if (Console.IsOutputRedirected)
{
    AnsiConsole.Profile.Width = 120; // the tables are wider than the 80 columns Spectre assumes without a terminal
}

try
{
    await AgentsSample.RunAsync(options, AnsiConsole.Console);
    return 0;
}
catch (DirectoryNotFoundException ex)
{
    Console.Error.WriteLine(ex.Message);
    Console.Error.WriteLine(SampleOptions.Usage);
    return 2;
}
