using Grid.Silo.Database;
using Grid.Silo.Hosting;

if (MigrateCommand.IsRequested(args))
{
    return await MigrateCommand.RunAsync(args);
}

var builder = WebApplication.CreateBuilder(args);
builder.AddGridSilo();

var app = builder.Build();
app.MapGridSilo();
await app.RunAsync();
return 0;

/// <summary>The silo host; public so that tests can host it whole.</summary>
public partial class Program;
