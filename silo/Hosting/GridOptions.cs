using System.ComponentModel.DataAnnotations;

namespace Grid.Silo.Hosting;

public enum GridMode
{
    /// <summary>One process, in-memory providers, no database.</summary>
    Dev = 0,

    /// <summary>PostgreSQL for clustering, grain state and reminders.</summary>
    Postgres = 1,
}

/// <summary>How the silo runs, bound from <c>Grid</c>.</summary>
public sealed class GridOptions
{
    public const string SectionName = "Grid";

    /// <summary>Dev or Postgres. Default: Dev.</summary>
    public GridMode Mode { get; set; } = GridMode.Dev;

    /// <summary>Silo-to-silo port. Default: 11111.</summary>
    [Range(1, 65535)]
    public int SiloPort { get; set; } = 11111;

    /// <summary>Port Orleans clients (a separate gateway) connect to. Default: 30000.</summary>
    [Range(1, 65535)]
    public int GatewayPort { get; set; } = 30000;
}
