using Npgsql;
using Orleans.Serialization;

namespace Grid.Gateway.Problems;

/// <summary>
/// Whether a failure means the store (PostgreSQL) could not be reached or would not take work, rather than that the
/// request was wrong: the connection refused or dropped, the server shutting down or out of connections, the database
/// closed to connections. The grain that failed to write has reloaded (or will) from what is stored, so the request
/// left nothing behind and can be sent again.
/// </summary>
internal static class StoreOutage
{
    /// <summary>Seconds a client waits before sending again: about how long PostgreSQL takes to restart.</summary>
    public const string RetryAfterSeconds = "5";

    public static bool IsCause(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (Matches(e))
            {
                return true;
            }

            if (e is AggregateException aggregate && aggregate.InnerExceptions.Any(IsCause))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Matches(Exception e) => e switch
    {
        PostgresException p => IsOutageState(p.SqlState),
        NpgsqlException n => n.IsTransient,
        System.Net.Sockets.SocketException => true,

        // A silo's exception whose type this process could not load arrives as Orleans' stand-in, naming the type.
        UnavailableExceptionFallbackException fallback => fallback.ExceptionType?.StartsWith("Npgsql.", StringComparison.Ordinal) == true,
        _ => false,
    };

    /// <summary>
    /// SQLSTATE classes of an unavailable server: 08 connection exception, 53 insufficient resources, 57P01–57P03
    /// shut down or starting, and 55000 for a database closed to connections (<c>ALLOW_CONNECTIONS false</c>).
    /// </summary>
    private static bool IsOutageState(string state)
        => state.StartsWith("08", StringComparison.Ordinal) || state.StartsWith("53", StringComparison.Ordinal)
            || state is "57P01" or "57P02" or "57P03" or "55000";
}
