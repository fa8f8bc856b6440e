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

    public static NpgsqlDataSource Create(string connectionString, int defaultMaxPoolSize, string applicationName)
    {
        var builder = new NpgsqlDataSourceBuilder(WithDefaults(connectionString, defaultMaxPoolSize, applicationName));
        return builder.Build();
    }

    /// <summary>The connection string with a pool ceiling and an application name unless it names its own.</summary>
    public static string WithDefaults(string connectionString, int defaultMaxPoolSize, string applicationName)
    {
        var settings = new NpgsqlConnectionStringBuilder(connectionString);
        if (!NamesPoolSize(connectionString))
        {
            settings.MaxPoolSize = defaultMaxPoolSize;
        }

        if (string.IsNullOrEmpty(settings.ApplicationName))
        {
            settings.ApplicationName = applicationName;
        }

        return settings.ConnectionString;
    }

    private static bool NamesPoolSize(string connectionString)
        => connectionString.Split(';').Select(part => part.Split('=', 2)[0].Trim())
            .Any(key => PoolSizeKeys.Contains(key, StringComparer.OrdinalIgnoreCase));
}
