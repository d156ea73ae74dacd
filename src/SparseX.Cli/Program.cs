using SparseX.Cli;

return SparseXApp.Create().Run(args);
