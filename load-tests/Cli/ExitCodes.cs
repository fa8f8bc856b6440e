namespace Grid.LoadTests.Cli;

internal static class ExitCodes
{
    /// <summary>
    /// The run (or comparison) completed and its report was written; <c>chart</c> wrote its SVG; the baseline service
    /// stopped normally.
    /// </summary>
    public const int Success = 0;

    /// <summary>
    /// The target was unreachable, seeding failed, every request failed, or the run was interrupted; for
    /// <c>compare</c> also: PostgreSQL, the Grid build, or Grid or the baseline could not be started; for <c>chart</c>:
    /// the report could not be read as a <c>compare</c> report.
    /// </summary>
    public const int RunFailed = 1;

    /// <summary>The command line was wrong; usage was printed naming the bad argument.</summary>
    public const int BadArguments = 2;

    /// <summary><c>elasticity</c>: the run completed and its report was written, but a target was missed.</summary>
    public const int TargetMissed = 3;
}
