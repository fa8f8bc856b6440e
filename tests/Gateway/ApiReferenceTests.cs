using System.Net;

namespace Grid.Tests.Gateway;

/// <summary>Dev mode serves an interactive API reference (Scalar) over the OpenAPI document at /scalar, without a key.</summary>
[Trait("Category", "Gateway")]
[Collection(GridApiCollection.Name)]
public sealed class ApiReferenceTests(GridApiFactory factory)
{
    [Fact]
    public async Task The_API_reference_is_open_at_scalar_in_dev_mode_and_reads_the_OpenAPI_document()
    {
        using var client = factory.CreateAnonymousClient();

        using var page = await client.GetAsync(new Uri("/scalar", UriKind.Relative));
        using var script = await client.GetAsync(new Uri("/scalar/scalar.js", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("openapi/v1.json", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
    }
}
