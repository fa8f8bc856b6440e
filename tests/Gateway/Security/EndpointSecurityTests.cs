using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Grid.Gateway.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Grid.Tests.Gateway.Security;

/// <summary>Every endpoint says who may call it, and refuses everyone else with Problem Details.</summary>
[Trait("Category", "Gateway")]
[Collection(GridApiCollection.Name)]
public sealed partial class EndpointSecurityTests(GridApiFactory factory)
{
    private readonly HttpClient _anonymous = factory.CreateAnonymousClient();

    [Fact]
    public void Every_endpoint_requires_authorization_or_is_explicitly_anonymous()
    {
        var endpoints = Endpoints();

        var undeclared = endpoints
            .Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is null
                && e.Metadata.GetMetadata<IAuthorizeData>() is null
                && e.Metadata.GetMetadata<AuthorizationPolicy>() is null)
            .Select(Describe)
            .ToList();
        Assert.True(undeclared.Count == 0, "Endpoints that neither require a role (RequireGridRole) nor are marked AllowAnonymous:\n" + string.Join("\n", undeclared));

        var apiWithoutRoles = endpoints
            .Where(e => e.RoutePattern.RawText!.StartsWith("/api/", StringComparison.Ordinal) && e.Metadata.GetMetadata<GridRolesMetadata>() is null)
            .Select(Describe)
            .ToList();
        Assert.True(apiWithoutRoles.Count == 0, "/api endpoints without RequireGridRole:\n" + string.Join("\n", apiWithoutRoles));
    }

    [Fact]
    public void Only_health_metrics_and_the_OpenAPI_document_are_anonymous()
    {
        var anonymous = Endpoints()
            .Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is not null)
            .Select(e => e.RoutePattern.RawText!)
            .Where(path => !path.StartsWith("/dashboard", StringComparison.Ordinal)) // dev mode only; Postgres mode requires ops
            .Where(path => !path.StartsWith("/scalar", StringComparison.Ordinal)) // the API reference: dev mode only
            .ToHashSet(StringComparer.Ordinal);

        Assert.Subset(new HashSet<string>(["/health/live", "/health/ready", "/metrics", "/openapi/{documentName}.json"], StringComparer.Ordinal), anonymous);
    }

    [Fact]
    public async Task Every_API_endpoint_refuses_a_missing_key_a_wrong_key_and_a_wrong_role_and_admits_its_roles()
    {
        var failures = new List<string>();
        var checkedEndpoints = 0;
        foreach (var endpoint in Endpoints().Where(e => e.Metadata.GetMetadata<GridRolesMetadata>() is not null))
        {
            var roles = endpoint.Metadata.GetMetadata<GridRolesMetadata>()!.Roles;
            var wrongRole = GridRoles.All.First(r => !roles.Contains(r));
            foreach (var method in endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()!.HttpMethods)
            {
                checkedEndpoints++;
                var path = ConcretePath(endpoint.RoutePattern.RawText!);
                await Expect(method, path, key: null, HttpStatusCode.Unauthorized);
                await Expect(method, path, key: "not-a-key-anybody-was-given", HttpStatusCode.Unauthorized);
                await Expect(method, path, key: DevKeys.For(wrongRole), HttpStatusCode.Forbidden);
                foreach (var role in roles)
                {
                    using var admitted = await SendAsync(method, path, DevKeys.For(role));
                    if (admitted.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
                    {
                        failures.Add($"{method} {path} refused role {role}: {(int)admitted.StatusCode}");
                    }
                }
            }
        }

        Assert.True(checkedEndpoints >= 25, $"Only {checkedEndpoints} endpoints were found.");
        Assert.True(failures.Count == 0, string.Join("\n", failures));

        async Task Expect(string method, string path, string? key, HttpStatusCode status)
        {
            using var response = await SendAsync(method, path, key);
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != status || response.Content.Headers.ContentType?.MediaType != "application/problem+json")
            {
                failures.Add($"{method} {path} with key '{key}': expected {(int)status} Problem Details, got {(int)response.StatusCode} {response.Content.Headers.ContentType}: {body}");
            }
            else if (status == HttpStatusCode.Unauthorized && !response.Headers.WwwAuthenticate.Any(h => h.Scheme == "ApiKey"))
            {
                failures.Add($"{method} {path}: a 401 without an ApiKey challenge");
            }
        }
    }

    [Fact]
    public async Task A_refusal_says_what_is_missing()
    {
        using var noKey = await _anonymous.GetAsync(new Uri("/api/v1/ops/streams", UriKind.Relative));
        var problem = await noKey.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("X-Api-Key", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        using var unknown = await SendAsync("GET", "/api/v1/ops/streams", "grid-dev-nobody");
        problem = await unknown.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("not known", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        using var wrongRole = await SendAsync("GET", "/api/v1/ops/streams", DevKeys.For(GridRoles.Sales));
        problem = await wrongRole.AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal("This endpoint needs the role ops; client 'dev-sales' holds sales.", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Health_and_the_OpenAPI_document_need_no_key()
    {
        foreach (var path in new[] { "/health/live", "/health/ready", "/openapi/v1.json" })
        {
            using var response = await _anonymous.GetAsync(new Uri(path, UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task The_OpenAPI_document_declares_the_key_and_bearer_schemes_and_each_operations_roles()
    {
        using var response = await _anonymous.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));
        using var document = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var schemes = document.RootElement.GetProperty("components").GetProperty("securitySchemes");
        Assert.Equal("X-Api-Key", schemes.GetProperty("ApiKey").GetProperty("name").GetString());
        Assert.Equal("bearer", schemes.GetProperty("Bearer").GetProperty("scheme").GetString());

        var reserve = document.RootElement.GetProperty("paths").GetProperty("/api/v1/reservations").GetProperty("post");
        var scopes = reserve.GetProperty("security").EnumerateArray()
            .SelectMany(r => r.EnumerateObject()).Where(p => p.Name == "Bearer")
            .SelectMany(p => p.Value.EnumerateArray()).Select(s => s.GetString()).ToList();
        Assert.Equal(["grid.sales"], scopes);
        Assert.True(reserve.GetProperty("responses").TryGetProperty("403", out _));
    }

    private IReadOnlyList<RouteEndpoint> Endpoints()
        => [.. factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()];

    private static string Describe(RouteEndpoint endpoint)
        => $"{string.Join(",", endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["*"])} {endpoint.RoutePattern.RawText}";

    /// <summary>A request path for a route pattern: each parameter gets a harmless value of its own kind.</summary>
    private static string ConcretePath(string pattern)
        => RouteParameter().Replace(pattern, m => m.Groups[1].Value switch
        {
            "key" => "SKU-AUTH@DC1",
            "sku" => "SKU-AUTH",
            "location" => "DC1",
            var other => $"AUTH-{other}",
        });

    private async Task<HttpResponseMessage> SendAsync(string method, string path, string? key)
    {
        // wait=0: the availability feed's long-poll answers at once (other endpoints ignore it); and only the headers
        // are read, since its event stream never ends.
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path + "?wait=0", UriKind.Relative));
        if (key is not null)
        {
            request.Headers.Add(GridAuthOptions.HeaderName, key);
        }

        if (method is "POST" or "PUT")
        {
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }

        return await _anonymous.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }

    [GeneratedRegex(@"\{([A-Za-z]+)(:[^}]*)?\}")]
    private static partial Regex RouteParameter();
}
