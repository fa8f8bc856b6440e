namespace Grid.LoadTests.Cli;

/// <summary>Verb dispatch and the exit-code contract. New verbs (such as <c>compare</c>) are added here.</summary>
internal static class CommandLine
{
    public static async Task<int> MainAsync(string[] args)
    {
        if (args.Length == 0)
        {
            return BadArguments(new UsageException("<verb>", "missing; the verb is 'run'."));
        }

        if (args[0] is "-h" or "--help" or "help")
        {
            await Console.Out.WriteLineAsync(RunOptions.Usage);
            return ExitCodes.Success;
        }

        using var interrupt = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            interrupt.Cancel();
        };

        try
        {
            switch (args[0])
            {
                case "run":
                    if (args.Skip(1).Any(a => a is "-h" or "--help"))
                    {
                        await Console.Out.WriteLineAsync(RunOptions.Usage);
                        return ExitCodes.Success;
                    }

                    return await RunCommand.ExecuteAsync(RunOptions.Parse(args[1..]), interrupt.Token);
                default:
                    throw new UsageException(args[0], "unknown verb; the verb is 'run'.");
            }
        }
        catch (UsageException ex)
        {
            return BadArguments(ex);
        }
        catch (RunFailedException ex)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            return ExitCodes.RunFailed;
        }
        catch (OperationCanceledException) when (interrupt.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync("interrupted.");
            return ExitCodes.RunFailed;
        }
    }

    private static int BadArguments(UsageException ex)
    {
        Console.Error.WriteLine($"error: {ex.Message}");
        Console.Error.WriteLine();
        Console.Error.WriteLine(RunOptions.Usage);
        return ExitCodes.BadArguments;
    }
}
