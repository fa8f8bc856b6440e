namespace Grid.LoadTests.Cli;

/// <summary>A bad command line: names the offending argument. Exit code 2.</summary>
internal sealed class UsageException : Exception
{
    public UsageException()
    {
    }

    public UsageException(string message)
        : base(message)
    {
    }

    public UsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public UsageException(string argument, string message)
        : base($"{argument}: {message}")
    {
        Argument = argument;
    }

    /// <summary>The argument that was wrong, such as <c>--rate</c>.</summary>
    public string? Argument { get; }
}

/// <summary>The run could not be carried out (target unreachable, seeding refused, nothing answered). Exit code 1.</summary>
internal sealed class RunFailedException : Exception
{
    public RunFailedException()
    {
    }

    public RunFailedException(string message)
        : base(message)
    {
    }

    public RunFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
