using Npgsql;

namespace Grid.Postgres;

/// <summary>
/// Npgsql data sources for Grid's own storage. Each keeps its own pool, so each gets a ceiling that fits what it does:
/// the default of 100 connections per pool, times the pools of every silo and gateway, exhausts a stock PostgreSQL
/// (<c>max_connections</c> 100–300) in one burst of grain activations. A pool size named in the connection string wins.
/// </summary>
public static class GridDataSource
{
    private static readonly string[] PoolSizeKeys = ["Maximum Pool Size", "MaxPoolSize"];
    private static readonly string[] AutoPrepareKeys = ["Max Auto Prepare", "MaxAutoPrepare"];
    private static readonly string[] ResetKeys = ["No Reset On Close", "NoResetOnClose"];

    /// <summary>Statements each connection keeps prepared: Grid's storages run a handful of statements, over and over.</summary>
    public const int DefaultMaxAutoPrepare = 32;

    public static NpgsqlDataSource Create(string connectionString, int defaultMaxPoolSize, string applicationName)
    {
        var builder = new NpgsqlDataSourceBuilder(WithDefaults(connectionString, defaultMaxPoolSize, applicationName));
        return builder.Build();
    }

    /// <summary>
    /// The connection string with Grid's defaults where it names none: a pool ceiling, an application name, statements
    /// prepared automatically once reused, and no session reset (<c>DISCARD ALL</c>) when a connection goes back to
    /// the pool, since Grid never changes session state and the reset would also drop the prepared statements.
    /// Behind a pooler that cannot keep prepared statements, set <c>Max Auto Prepare=0</c>.
    /// </summary>
    public static string WithDefaults(string connectionString, int defaultMaxPoolSize, string applicationName)
    {
        var settings = new NpgsqlConnectionStringBuilder(connectionString);
        if (!Names(connectionString, PoolSizeKeys))
        {
            settings.MaxPoolSize = defaultMaxPoolSize;
        }

        if (!Names(connectionString, AutoPrepareKeys))
        {
            settings.MaxAutoPrepare = DefaultMaxAutoPrepare;
        }

        if (!Names(connectionString, ResetKeys))
        {
            settings.NoResetOnClose = true;
        }

        if (string.IsNullOrEmpty(settings.ApplicationName))
        {
            settings.ApplicationName = applicationName;
        }

        return settings.ConnectionString;
    }

    private static bool Names(string connectionString, string[] keys)
        => connectionString.Split(';').Select(part => part.Split('=', 2)[0].Trim())
            .Any(key => keys.Contains(key, StringComparer.OrdinalIgnoreCase));
}
