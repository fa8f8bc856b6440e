using Grid.Gateway;
using Grid.Silo.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddGridSilo();
builder.Services.AddGridGateway();

var app = builder.Build();
app.MapGridApi();
app.Run();

/// <summary>The silo host; public so that tests can host it whole.</summary>
public partial class Program;
