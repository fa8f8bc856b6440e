using Grid.LoadTests.Cli;

return await CommandLine.MainAsync(args);
