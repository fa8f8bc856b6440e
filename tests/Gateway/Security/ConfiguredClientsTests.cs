using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Grid.Gateway.Security;

namespace Grid.Tests.Gateway.Security;

/// <summary>Clients from configuration: hashed API keys, Basic authentication for browsers, and bearer tokens with scopes.</summary>
[Trait("Category", "Gateway")]
[Collection(SecuredApiCollection.Name)]
public sealed class ConfiguredClientsTests(SecuredApiFactory factory)
{
    private readonly HttpClient _anonymous = factory.CreateAnonymousClient();

    [Fact]
    public async Task A_key_configured_by_its_hash_authenticates_with_its_role_only()
    {
        using var credit = await SendAsync(HttpMethod.Put, $"/api/v1/customers/{TestIds.New("C")}/credit",
            """{ "status": "hold", "reason": "tests", "updatedAt": "2026-11-23T09:10:00Z" }""", h => h.Add(GridAuthOptions.HeaderName, SecuredApiFactory.ErpKey));
        Assert.Equal(HttpStatusCode.OK, credit.StatusCode);

        using var atp = await SendAsync(HttpMethod.Get, $"/api/v1/atp/{TestIds.New("SKU")}", null, h => h.Add(GridAuthOptions.HeaderName, SecuredApiFactory.ErpKey));
        var problem = await atp.AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains("client 'erp-system' holds erp", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_browser_may_send_the_key_as_the_Basic_password()
    {
        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"ops:{DevKeys.For(GridRoles.Ops)}"));
        using var streams = await SendAsync(HttpMethod.Get, "/api/v1/ops/streams", null, h => h.Authorization = new AuthenticationHeaderValue("Basic", basic));
        Assert.Equal(HttpStatusCode.OK, streams.StatusCode);

        using var refused = await _anonymous.GetAsync(new Uri("/api/v1/ops/streams", UriKind.Relative));
        Assert.Contains(refused.Headers.WwwAuthenticate, h => h.Scheme == "Basic");
    }

    [Fact]
    public async Task A_bearer_token_grants_the_roles_of_its_grid_scopes()
    {
        var sku = TestIds.New("SKU");
        using var allowed = await SendAsync(HttpMethod.Get, $"/api/v1/atp/{sku}", null, Bearer(SecuredApiFactory.Token("openid grid.sales")));
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);

        using var otherScope = await SendAsync(HttpMethod.Get, $"/api/v1/atp/{sku}", null, Bearer(SecuredApiFactory.Token("grid.wms sales")));
        await otherScope.AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    [Theory]
    [InlineData("expired")]
    [InlineData("audience")]
    [InlineData("signature")]
    public async Task A_bearer_token_that_is_expired_for_another_audience_or_tampered_with_is_refused(string fault)
    {
        var token = fault switch
        {
            "expired" => SecuredApiFactory.Token("grid.sales", expires: DateTime.UtcNow.AddMinutes(-10)),
            "audience" => SecuredApiFactory.Token("grid.sales", audience: "another-api"),
            _ => SecuredApiFactory.Token("grid.sales")[..^4] + "AAAA",
        };

        using var response = await SendAsync(HttpMethod.Get, $"/api/v1/atp/{TestIds.New("SKU")}", null, Bearer(token));

        var problem = await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("bearer token is not valid", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
    }

    private static Action<HttpRequestHeaders> Bearer(string token) => h => h.Authorization = new AuthenticationHeaderValue("Bearer", token);

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? json, Action<HttpRequestHeaders> authenticate)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        authenticate(request.Headers);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        return await _anonymous.SendAsync(request);
    }
}
