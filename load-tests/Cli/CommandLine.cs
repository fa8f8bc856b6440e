using System.Runtime.InteropServices;
using Grid.LoadTests.Baseline;

namespace Grid.LoadTests.Cli;

/// <summary>Verb dispatch (<c>run</c>, <c>compare</c>, <c>chart</c>, <c>scale</c>, <c>grain-calls</c>, <c>baseline</c>) and the exit-code contract.</summary>
internal static class CommandLine
{
    public const string Verbs = "'run', 'compare', 'chart', 'scale', 'elasticity', 'grain-calls' or 'baseline'";

    public static string Usage => $"""
        Grid load generator

        verbs:
          run        one scenario against a running Grid (or any server with its API)
          compare    start PostgreSQL, Grid and the baseline here and run a scenario against each, alternately
          chart      draw the SVG chart of an existing compare report (compare --out draws it by itself)
          scale      start PostgreSQL and one Grid silo here, make N SKU-locations resident, report memory per
                     SKU-location and ATP read latency while they are resident
          elasticity start PostgreSQL, a cluster of silos and a gateway here; steady client load while silos join,
                     leave, restart one by one and are killed; what clients saw, and nothing acknowledged lost
          grain-calls  host a dev-mode silo in this process and drive ATP grain calls (no HTTP), with a bare ping
          baseline   serve the PostgreSQL row-lock baseline (compare starts it by itself)

        {RunOptions.Usage}

        {CompareOptions.Usage}

        {ChartOptions.Usage}

        {ScaleOptions.Usage}

        {ElasticityOptions.Usage}

        {GrainCallsOptions.Usage}

        {BaselineOptions.Usage}
        """;

    public static async Task<int> MainAsync(string[] args)
    {
        if (args.Length == 0)
        {
            return BadArguments(new UsageException("<verb>", $"missing; the verb is {Verbs}."), Usage);
        }

        if (args[0] is "-h" or "--help" or "help")
        {
            await Console.Out.WriteLineAsync(Usage);
            return ExitCodes.Success;
        }

        var verbUsage = args[0] switch
        {
            "run" => RunOptions.Usage,
            "compare" => CompareOptions.Usage,
            "chart" => ChartOptions.Usage,
            "scale" => ScaleOptions.Usage,
            "elasticity" => ElasticityOptions.Usage,
            "grain-calls" => GrainCallsOptions.Usage,
            "baseline" => BaselineOptions.Usage,
            _ => Usage,
        };
        if (args.Skip(1).Any(a => a is "-h" or "--help"))
        {
            await Console.Out.WriteLineAsync(verbUsage);
            return ExitCodes.Success;
        }

        // Ctrl+C, SIGTERM and SIGHUP all end a run the same way: cancel, so that whatever it started is stopped and
        // cleaned up (compare kills its servers and drops its databases) before the process exits.
        using var interrupt = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            interrupt.Cancel();
        };
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Interrupt);
        using var sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, Interrupt);

        try
        {
            return args[0] switch
            {
                "run" => await RunCommand.ExecuteAsync(RunOptions.Parse(args[1..]), interrupt.Token),
                "compare" => await CompareCommand.ExecuteAsync(CompareOptions.Parse(args[1..]), interrupt.Token),
                "chart" => await ChartCommand.ExecuteAsync(ChartOptions.Parse(args[1..]), interrupt.Token),
                "scale" => await ScaleCommand.ExecuteAsync(ScaleOptions.Parse(args[1..]), interrupt.Token),
                "elasticity" => await ElasticityCommand.ExecuteAsync(ElasticityOptions.Parse(args[1..]), interrupt.Token),
                "grain-calls" => await GrainCallsCommand.ExecuteAsync(GrainCallsOptions.Parse(args[1..]), interrupt.Token),
                "baseline" => await BaselineService.RunAsync(BaselineOptions.Parse(args[1..]), interrupt.Token),
                _ => throw new UsageException(args[0], $"unknown verb; the verb is {Verbs}."),
            };
        }
        catch (UsageException ex)
        {
            return BadArguments(ex, verbUsage);
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
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Whatever was started has been stopped by now (the verbs clean up in finally blocks); report, don't crash.
            await Console.Error.WriteLineAsync($"error: unexpected failure: {ex}");
            return ExitCodes.RunFailed;
        }

        void Interrupt(PosixSignalContext context)
        {
            context.Cancel = true;
            interrupt.Cancel();
        }
    }

    private static int BadArguments(UsageException ex, string usage)
    {
        Console.Error.WriteLine($"error: {ex.Message}");
        Console.Error.WriteLine();
        Console.Error.WriteLine(usage);
        return ExitCodes.BadArguments;
    }
}
