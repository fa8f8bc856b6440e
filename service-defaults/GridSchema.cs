namespace Grid.Hosting;

/// <summary>The schema version this build of Grid needs in PostgreSQL.</summary>
public static class GridSchema
{
    public const int Version = 12;

    public const string MigrationsTable = "grid_schema_migrations";
}
