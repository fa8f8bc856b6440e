namespace Grid.LoadTests.Cli;

internal static class ExitCodes
{
    /// <summary>The run completed and its report was written.</summary>
    public const int Success = 0;

    /// <summary>The target was unreachable, seeding failed, every request failed, or the run was interrupted.</summary>
    public const int RunFailed = 1;

    /// <summary>The command line was wrong; usage was printed naming the bad argument.</summary>
    public const int BadArguments = 2;
}
