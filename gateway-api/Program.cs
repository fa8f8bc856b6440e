using Grid.Gateway;

// The gateway as its own process: an Orleans client in front of a running cluster. In dev mode it finds a silo on
// this machine (dotnet run --project silo); the PostgreSQL cluster mode comes with the production configuration.
var builder = WebApplication.CreateBuilder(args);

builder.UseOrleansClient(client => client.UseLocalhostClustering());
builder.Services.AddGridGateway();

var app = builder.Build();
app.MapGridApi();
app.Run();
