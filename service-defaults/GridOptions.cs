using System.Net;
using Microsoft.Extensions.Options;

namespace Grid.Hosting;

public enum GridMode
{
    /// <summary>One process, in-memory providers, no database.</summary>
    Dev = 0,

    /// <summary>PostgreSQL for clustering, grain state and reminders; silos and gateways as separate processes.</summary>
    Postgres = 1,
}

/// <summary>
/// How a Grid process joins its cluster, bound from <c>Grid</c> (and <c>ConnectionStrings:Grid</c>). Shared by the
/// silo and the separate gateway so that both read the same keys the same way.
/// </summary>
public sealed class GridOptions
{
    public const string SectionName = "Grid";

    /// <summary>The connection string name: <c>ConnectionStrings:Grid</c>.</summary>
    public const string ConnectionStringName = "Grid";

    /// <summary>Dev or Postgres. Default: Dev.</summary>
    public GridMode Mode { get; set; } = GridMode.Dev;

    /// <summary>Cluster id: silos and gateways with the same id form one cluster. Default: grid.</summary>
    public string ClusterId { get; set; } = "grid";

    /// <summary>Service id: stored state and reminders belong to it, across cluster redeployments. Default: grid.</summary>
    public string ServiceId { get; set; } = "grid";

    /// <summary>Silo-to-silo port. Default: 11111.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Port that Orleans clients (a separate gateway) connect to. Default: 30000.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>
    /// Address other silos and gateways use to reach this silo: an IP address, a host name, or <c>auto</c> for this
    /// machine's own host name (containers). Default: 127.0.0.1 (every silo on one machine).
    /// </summary>
    public string? AdvertisedAddress { get; set; }

    /// <summary>Whether a Postgres-mode silo also serves the gateway endpoints. Dev mode always does. Default: false.</summary>
    public bool HostGateway { get; set; }

    /// <summary>Whether a Postgres-mode silo applies the schema at start-up instead of only checking it. Default: false.</summary>
    public bool MigrateOnStart { get; set; }

    /// <summary>
    /// Whether this silo collects for the Orleans dashboard and serves it at <c>/dashboard</c>. Every silo of a cluster
    /// must agree. Collecting records every grain call and counts the activations every <see cref="DashboardSampleInterval"/>. Default: true.
    /// </summary>
    public bool Dashboard { get; set; } = true;

    /// <summary>
    /// How often the dashboard samples the Orleans meter. Each sample walks every activation and the grain directory's
    /// cache, so its cost grows with the grains resident (at 20,000, about 7% of a busy silo's CPU at once a second).
    /// Default: 00:00:05.
    /// </summary>
    public TimeSpan DashboardSampleInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The address this silo advertises, resolved from <see cref="AdvertisedAddress"/>.</summary>
    public IPAddress ResolveAdvertisedAddress()
    {
        if (string.IsNullOrWhiteSpace(AdvertisedAddress))
        {
            return IPAddress.Loopback;
        }

        if (IPAddress.TryParse(AdvertisedAddress, out var address))
        {
            return address;
        }

        var host = AdvertisedAddress == "auto" ? Dns.GetHostName() : AdvertisedAddress;
        return Dns.GetHostAddresses(host).FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
            ?? throw new InvalidOperationException($"Grid:AdvertisedAddress '{AdvertisedAddress}' does not resolve to an IPv4 address.");
    }
}

/// <summary>Checks <see cref="GridOptions"/> and the connection string Postgres mode needs, each failure naming its key.</summary>
public sealed class GridOptionsValidator(IConfiguration configuration) : IValidateOptions<GridOptions>
{
    public ValidateOptionsResult Validate(string? name, GridOptions options)
    {
        var connectionString = configuration.GetConnectionString(GridOptions.ConnectionStringName);
        var problems = new List<string>();
        if (options.Mode == GridMode.Postgres && string.IsNullOrWhiteSpace(connectionString))
        {
            problems.Add($"ConnectionStrings:{GridOptions.ConnectionStringName} is required when Grid:Mode is Postgres (an Npgsql connection string such as \"Host=127.0.0.1;Port=5432;Username=grid;Password=...;Database=grid\").");
        }

        if (string.IsNullOrWhiteSpace(options.ClusterId))
        {
            problems.Add("Grid:ClusterId must not be empty.");
        }

        if (string.IsNullOrWhiteSpace(options.ServiceId))
        {
            problems.Add("Grid:ServiceId must not be empty.");
        }

        if (options.SiloPort is < 1 or > 65535)
        {
            problems.Add($"Grid:SiloPort must be a TCP port (1-65535), not {options.SiloPort}.");
        }

        if (options.GatewayPort is < 1 or > 65535)
        {
            problems.Add($"Grid:GatewayPort must be a TCP port (1-65535), not {options.GatewayPort}.");
        }

        if (options.DashboardSampleInterval < TimeSpan.FromSeconds(1) || options.DashboardSampleInterval > TimeSpan.FromMinutes(1))
        {
            problems.Add($"Grid:DashboardSampleInterval must be 00:00:01-00:01:00, not {options.DashboardSampleInterval}.");
        }

        if (options.SiloPort == options.GatewayPort)
        {
            problems.Add($"Grid:SiloPort and Grid:GatewayPort must differ (both are {options.SiloPort}).");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
