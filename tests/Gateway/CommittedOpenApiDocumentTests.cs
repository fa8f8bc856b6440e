using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Testing;
using Grid.Tests.Support;

namespace Grid.Tests.Gateway;

/// <summary>
/// docs/openapi.json is the contract as served, so that a change to the API's description shows as a diff in review.
/// With <c>GRID_UPDATE_OPENAPI=1</c> the test writes the served document there instead of comparing.
/// </summary>
[Trait("Category", "Gateway")]
[Collection(GridApiCollection.Name)]
public sealed class CommittedOpenApiDocumentTests(GridApiFactory factory)
{
    /// <summary>The dev-mode address the committed document names as its server (README's).</summary>
    private static readonly Uri DevAddress = new("http://localhost:5080");

    private static readonly JsonSerializerOptions Formatting = new()
    {
        WriteIndented = true,
        IndentSize = 2,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    [Fact]
    public async Task The_served_document_is_the_one_committed_in_docs_openapi_json()
    {
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = DevAddress });
        var served = Normalise(await client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative)));
        var path = RepositoryFiles.PathOf("docs", "openapi.json");

        if (Environment.GetEnvironmentVariable("GRID_UPDATE_OPENAPI") == "1")
        {
            await File.WriteAllTextAsync(path, served);
            return;
        }

        var committed = File.Exists(path) ? Normalise(await File.ReadAllTextAsync(path)) : "";
        Assert.True(committed == served,
            $"docs/openapi.json is not the served document ({FirstDifference(committed, served)}). If the change to the contract is "
            + "meant, rewrite it with: GRID_UPDATE_OPENAPI=1 dotnet test tests -c Release --filter \"FullyQualifiedName~CommittedOpenApiDocumentTests\", and commit it.");
    }

    private static string Normalise(string json) => JsonNode.Parse(json)!.ToJsonString(Formatting) + "\n";

    private static string FirstDifference(string committed, string served)
    {
        var a = committed.Split('\n');
        var b = served.Split('\n');
        for (var i = 0; i < Math.Max(a.Length, b.Length); i++)
        {
            var left = i < a.Length ? a[i] : "<end>";
            var right = i < b.Length ? b[i] : "<end>";
            if (left != right)
            {
                return $"line {i + 1}: committed {left.Trim()} / served {right.Trim()}";
            }
        }

        return "no line differs";
    }
}
