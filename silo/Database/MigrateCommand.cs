using Grid.Hosting;

namespace Grid.Silo.Database;

/// <summary><c>dotnet run --project silo -- migrate</c>: applies the schema to <c>ConnectionStrings:Grid</c> and exits.</summary>
public static class MigrateCommand
{
    public static bool IsRequested(string[] args) => args.Length > 0 && args[0] == "migrate";

    public static async Task<int> RunAsync(string[] args)
    {
        var configuration = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine(args[1..])
            .Build();
        var connectionString = configuration.GetConnectionString(GridOptions.ConnectionStringName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            await Console.Error.WriteLineAsync("migrate: ConnectionStrings:Grid is required, e.g. --ConnectionStrings:Grid=\"Host=127.0.0.1;Username=grid;Password=...;Database=grid\" or the environment variable ConnectionStrings__Grid.");
            return 2;
        }

        try
        {
            var result = await new SchemaMigrator(connectionString).ApplyAsync();
            var target = PostgresSchemaCheck.Describe(connectionString);
            Console.WriteLine(result.Applied.Count == 0
                ? $"migrate: {target} is already at schema version {result.ToVersion}; nothing to apply."
                : $"migrate: {target} moved from schema version {result.FromVersion} to {result.ToVersion} ({string.Join(", ", result.Applied.Select(m => $"{m.Version} {m.Name}"))}).");
            return 0;
        }
        catch (Exception ex) when (ex is InvalidOperationException or GridStartupException)
        {
            await Console.Error.WriteLineAsync($"migrate: {ex.Message}");
            return 1;
        }
        catch (Npgsql.PostgresException ex)
        {
            await Console.Error.WriteLineAsync($"migrate: PostgreSQL refused the schema: {ex.MessageText} ({ex.SqlState}).");
            return 1;
        }
    }
}
