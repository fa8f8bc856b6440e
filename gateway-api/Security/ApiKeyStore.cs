using System.Collections.Frozen;
using System.Security.Claims;
using Grid.Hosting;
using Microsoft.Extensions.Options;

namespace Grid.Gateway.Security;

/// <summary>An API client a key was issued to.</summary>
public sealed record ApiClient(string Name, IReadOnlyList<string> Roles, int? PermitsPerWindow)
{
    /// <summary>
    /// The identity every request with this client's key carries, built once: its name and one claim per role. Shared
    /// by all its requests, so nothing in the pipeline may add claims to it (nothing does; bearer tokens get their
    /// own).
    /// </summary>
    internal ClaimsPrincipal Principal { get; } = BuildPrincipal(Name, Roles);

    private static ClaimsPrincipal BuildPrincipal(string name, IReadOnlyList<string> roles)
    {
        var claims = new List<Claim>(roles.Count + 2)
        {
            new(ClaimTypes.Name, name),
            new(GridClaims.Client, name),
        };
        claims.AddRange(roles.Select(role => new Claim(GridClaims.Role, role)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, GridAuthentication.ApiKeyScheme, ClaimTypes.Name, GridClaims.Role));
    }
}

/// <summary>
/// The API keys this process accepts, by SHA-256 hash: those in <c>Grid:Auth:Keys</c> and, in dev mode, the documented
/// dev keys (<see cref="DevKeys"/>).
/// </summary>
public sealed class ApiKeyStore
{
    private readonly FrozenDictionary<string, ApiClient> _byHash;

    public ApiKeyStore(IOptions<GridAuthOptions> auth, IOptions<GridOptions> grid)
    {
        var clients = new Dictionary<string, ApiClient>(StringComparer.Ordinal);
        if (grid.Value.Mode == GridMode.Dev && auth.Value.DevKeys)
        {
            foreach (var (name, key, roles) in DevKeys.All)
            {
                // The all-roles key drives the load generator: not rate limited. The per-role keys are, as production keys.
                clients[ApiKeyHash.Of(key)] = new ApiClient(name, roles, key == DevKeys.AllRoles ? 0 : null);
            }
        }

        foreach (var (name, client) in auth.Value.Keys)
        {
            // The validator has refused unusable entries before anything is served.
            if (ApiKeyHash.Normalize(client.Hash ?? ApiKeyHash.Of(client.Key ?? "")) is { } hash)
            {
                clients[hash] = new ApiClient(name, client.Roles, client.PermitsPerWindow);
            }
        }

        _byHash = clients.ToFrozenDictionary(StringComparer.Ordinal);
        _byName = clients.Values.ToFrozenDictionary(c => c.Name, StringComparer.Ordinal);
    }

    private readonly FrozenDictionary<string, ApiClient> _byName;

    /// <summary>The client of that name (the rate limiter reads its own limit), or null.</summary>
    public ApiClient? FindByName(string name) => _byName.GetValueOrDefault(name);

    public int Count => _byHash.Count;

    /// <summary>The client the key was issued to, or null for an unknown key.</summary>
    public ApiClient? Find(string key) => _byHash.GetValueOrDefault(ApiKeyHash.Of(key));
}

/// <summary>
/// The dev-mode keys (README): public, so accepted only in dev mode (<c>Grid:Mode=Dev</c>) and never in Postgres mode.
/// </summary>
public static class DevKeys
{
    /// <summary>Every role at once, not rate limited: the walk-throughs, the tests and the load generator use it.</summary>
    public const string AllRoles = "grid-dev-all";

    /// <summary>The key of the dev client holding only <paramref name="role"/>: <c>grid-dev-&lt;role&gt;</c>.</summary>
    public static string For(string role) => $"grid-dev-{role}";

    public static IEnumerable<(string Name, string Key, IReadOnlyList<string> Roles)> All
        => GridRoles.All.Select(role => ($"dev-{role}", For(role), (IReadOnlyList<string>)[role]))
            .Append(("dev-all", AllRoles, GridRoles.All));
}
