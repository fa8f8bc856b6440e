using Grid.Hosting;
using Grid.Silo.Database;
using Grid.Silo.Hosting;

if (MigrateCommand.IsRequested(args))
{
    return await MigrateCommand.RunAsync(args);
}

try
{
    var builder = WebApplication.CreateBuilder(args);
    builder.AddGridSilo();

    var app = builder.Build();
    app.MapGridSilo();
    await app.PrepareGridStartAsync();
    await app.RunAsync();
    return 0;
}
catch (Exception ex) when (ex is GridStartupException or Microsoft.Extensions.Options.OptionsValidationException)
{
    await Console.Error.WriteLineAsync($"silo: {ex.Message}");
    return 1;
}

/// <summary>The silo host; public so that tests can host it whole.</summary>
public partial class Program;
