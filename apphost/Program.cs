namespace Grid.AppHost;

/// <summary>
/// A local Grid cluster in production mode, without containers: <c>dotnet run --project apphost [-- --silos 3]</c>.
/// A named class rather than top-level statements, so that tests referencing both this and the silo see one <c>Program</c>.
/// </summary>
public static class AppHostProgram
{
    public static async Task<int> Main(string[] args)
    {
        var builder = DistributedApplication.CreateBuilder(args);
        LocalClusterOptions options;
        try
        {
            options = LocalClusterOptions.From(builder.Configuration);
        }
        catch (InvalidOperationException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            return 2;
        }

        var postgres = builder.AddGridPostgres(options);
        var migration = builder.AddGridMigration(postgres);
        var silos = Enumerable.Range(1, options.Silos)
            .Select(i => builder.AddGridSilo($"silo-{i}", postgres, migration, options))
            .ToList();
        var gateway = builder.AddGridGateway(postgres, silos, options);
        builder.ReportWhenStarted(gateway, options);

        await builder.Build().RunAsync();
        return 0;
    }
}
