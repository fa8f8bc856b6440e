using Microsoft.Extensions.Configuration;

namespace Grid.AppHost;

/// <summary>
/// What the local cluster looks like, from the AppHost's command line (<c>dotnet run --project apphost -- --silos 3</c>)
/// or its environment. Checked before anything starts; each failure names its switch.
/// </summary>
public sealed class LocalClusterOptions
{
    /// <summary>At most this many silos: each keeps up to 68 PostgreSQL connections and a few hundred MB.</summary>
    public const int MaxSilos = 8;

    /// <summary>The API key's client name (<c>Grid:Auth:Keys:local</c>).</summary>
    public const string ApiClient = "local";

    /// <summary>How many silos (<c>--silos</c>, 1 to 8). Default: 2.</summary>
    [ConfigurationKeyName("silos")]
    public int Silos { get; set; } = 2;

    /// <summary>The gateway's HTTP port (<c>--http-port</c>); 0 for any free port. Default: 5080, as in dev mode.</summary>
    [ConfigurationKeyName("http-port")]
    public int HttpPort { get; set; } = 5080;

    /// <summary>PostgreSQL's port on 127.0.0.1 (<c>--postgres-port</c>); 0 for any free port. Default: 55440, clear of the tests' 55432.</summary>
    [ConfigurationKeyName("postgres-port")]
    public int PostgresPort { get; set; } = 55440;

    /// <summary>PostgreSQL's folder (<c>--postgres-folder</c>), kept across runs. Default: ~/.cache/grid/apphost-postgres.</summary>
    [ConfigurationKeyName("postgres-folder")]
    public string PostgresFolder { get; set; } = Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "grid", "apphost-postgres");

    /// <summary>The API key that holds every role, on the gateway and the silos (<c>--api-key</c>, 16 characters or more). Default: grid-local-cluster-key.</summary>
    [ConfigurationKeyName("api-key")]
    public string ApiKey { get; set; } = "grid-local-cluster-key";

    /// <summary>The Npgsql connection string of <paramref name="database"/> on this cluster's server at <paramref name="port"/>.</summary>
    public static string ConnectionString(int port, string database)
        => $"Host=127.0.0.1;Port={port};Username=grid;Database={database}";

    /// <summary>Binds the options and checks them; throws naming every bad switch.</summary>
    public static LocalClusterOptions From(IConfiguration configuration)
    {
        var options = new LocalClusterOptions();
        try
        {
            configuration.Bind(options);
        }
        catch (InvalidOperationException ex)
        {
            throw new InvalidOperationException($"apphost: {ex.Message}", ex);
        }

        var problems = options.Validate();
        return problems.Count == 0 ? options : throw new InvalidOperationException("apphost: " + string.Join(" ", problems));
    }

    /// <summary>Every problem with these options, each naming its switch.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Silos is < 1 or > MaxSilos)
        {
            problems.Add($"--silos must be from 1 to {MaxSilos}, not {Silos}.");
        }

        if (HttpPort is < 0 or > 65535)
        {
            problems.Add($"--http-port must be a TCP port, or 0 for any free one, not {HttpPort}.");
        }

        if (PostgresPort is < 0 or > 65535)
        {
            problems.Add($"--postgres-port must be a TCP port, or 0 for any free one, not {PostgresPort}.");
        }

        if (!Path.IsPathFullyQualified(PostgresFolder))
        {
            problems.Add($"--postgres-folder must be an absolute path, not '{PostgresFolder}'.");
        }

        if (ApiKey.Length < 16)
        {
            problems.Add("--api-key must be at least 16 characters.");
        }

        return problems;
    }
}
