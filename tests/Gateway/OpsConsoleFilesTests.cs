using System.Net;
using Grid.Gateway.Security;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Grid.Tests.Gateway;

/// <summary>The ops console's files at /ops/, over HTTP (tests/Browser drives the console itself).</summary>
[Trait("Category", "Gateway")]
[Collection(GridApiCollection.Name)]
public sealed class OpsConsoleFilesTests(GridApiFactory factory)
{
    [Theory]
    [InlineData("/ops/", "text/html")]
    [InlineData("/ops/console.js", "text/javascript")]
    [InlineData("/ops/console.css", "text/css")]
    public async Task The_console_files_are_served_to_the_ops_role_and_revalidated_on_each_load(string path, string mediaType)
    {
        using var response = await SendAsync(path, DevKeys.For(GridRoles.Ops));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.CacheControl?.NoCache);
    }

    [Fact]
    public async Task The_console_without_its_slash_redirects_to_it()
    {
        using var response = await SendAsync("/ops", DevKeys.For(GridRoles.Ops));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/ops/", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task A_client_without_the_ops_role_is_refused_the_console()
    {
        using var response = await SendAsync("/ops/", DevKeys.For(GridRoles.Sales));

        await response.AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_file_the_console_does_not_have_is_not_found()
    {
        using var response = await SendAsync("/ops/OpsConsole.cs", DevKeys.For(GridRoles.Ops));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private async Task<HttpResponseMessage> SendAsync(string path, string key)
    {
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Remove(GridAuthOptions.HeaderName);
        client.DefaultRequestHeaders.Add(GridAuthOptions.HeaderName, key);
        return await client.GetAsync(new Uri(path, UriKind.Relative));
    }
}
