using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Grid.Gateway.Security;

/// <summary>Who may call the API (<c>Grid:Auth</c>): API keys stored as hashes, and bearer tokens from an identity provider.</summary>
public sealed class GridAuthOptions
{
    public const string SectionName = "Grid:Auth";

    /// <summary>The header an API key is sent in. Browsers (the dashboard) may send it as the password of Basic authentication instead.</summary>
    public const string HeaderName = "X-Api-Key";

    /// <summary>
    /// API clients by name (<c>Grid:Auth:Keys:&lt;name&gt;:Role</c>, <c>:Hash</c> or <c>:Key</c>). The name is the client's
    /// identity in logs and rate limits. Default: none.
    /// </summary>
    public Dictionary<string, ApiClientOptions> Keys { get; set; } = new(StringComparer.Ordinal);

    /// <summary>In dev mode, also accept the documented dev keys (one per role and one with every role). Ignored in Postgres mode. Default: true.</summary>
    public bool DevKeys { get; set; } = true;

    /// <summary>Bearer tokens (JWT) with scope claims. Default: off.</summary>
    public GridJwtOptions Jwt { get; set; } = new();
}

/// <summary>One API client: its role(s) and its key, preferably as a SHA-256 hash.</summary>
public sealed class ApiClientOptions
{
    /// <summary>The client's role, or several separated by commas (<c>sales,crm</c>). Required.</summary>
    public string? Role { get; set; }

    /// <summary>
    /// SHA-256 of the key, as 64 hexadecimal digits, optionally prefixed <c>sha256:</c>
    /// (<c>printf %s "$KEY" | sha256sum</c>). Give this or <see cref="Key"/>.
    /// </summary>
    public string? Hash { get; set; }

    /// <summary>The key itself, for development and tests only: configuration then holds a secret. Give this or <see cref="Hash"/>.</summary>
    public string? Key { get; set; }

    /// <summary>This client's own rate limit in requests per <c>Grid:RateLimits:Window</c>; 0 = unlimited. Default: <c>Grid:RateLimits:PermitsPerWindow</c>.</summary>
    public int? PermitsPerWindow { get; set; }

    internal IReadOnlyList<string> Roles
        => Role?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) ?? [];
}

/// <summary>Bearer tokens: validated against an OpenID Connect authority, or a shared signing key.</summary>
public sealed class GridJwtOptions
{
    /// <summary>The identity provider (OpenID Connect discovery at <c>{Authority}/.well-known/openid-configuration</c>). Default: none.</summary>
    public string? Authority { get; set; }

    /// <summary>The audience tokens must be issued for. Required when bearer tokens are on. Default: none.</summary>
    public string? Audience { get; set; }

    /// <summary>The issuer tokens must come from; with <see cref="Authority"/> it defaults to the authority's. Default: none.</summary>
    public string? Issuer { get; set; }

    /// <summary>A symmetric (HMAC-SHA256) signing key of at least 32 bytes, base64, for providers that sign with a shared secret. Default: none.</summary>
    public string? SigningKey { get; set; }

    /// <summary>A scope <c>{ScopePrefix}{role}</c> (in <c>scope</c> or <c>scp</c>) grants that role. Default: <c>grid.</c></summary>
    public string ScopePrefix { get; set; } = "grid.";

    /// <summary>Whether the authority's metadata must be fetched over HTTPS. Default: true.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    public bool Enabled => Authority is not null || SigningKey is not null || Audience is not null;
}

/// <summary>Fails the start, naming the key, when <see cref="GridAuthOptions"/> are not usable.</summary>
internal sealed class GridAuthOptionsValidator : IValidateOptions<GridAuthOptions>
{
    public ValidateOptionsResult Validate(string? name, GridAuthOptions options)
    {
        var problems = new List<string>();
        var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (client, key) in options.Keys)
        {
            var prefix = $"{GridAuthOptions.SectionName}:Keys:{client}";
            if (key.Roles.Count == 0)
            {
                problems.Add($"{prefix}:Role is required: one of {string.Join(", ", GridRoles.All)} (or several, separated by commas).");
            }

            foreach (var role in key.Roles.Where(r => !GridRoles.IsKnown(r)))
            {
                problems.Add($"{prefix}:Role '{role}' is not a role; the roles are {string.Join(", ", GridRoles.All)}.");
            }

            if ((key.Hash is null) == (key.Key is null))
            {
                problems.Add($"{prefix}: give exactly one of Hash (SHA-256 of the key, 64 hex digits) or Key.");
            }
            else if (key.Key is { Length: < 16 })
            {
                problems.Add($"{prefix}:Key must be at least 16 characters.");
            }
            else if (ApiKeyHash.Normalize(key.Hash ?? ApiKeyHash.Of(key.Key!)) is not { } hash)
            {
                problems.Add($"{prefix}:Hash must be 64 hexadecimal digits (optionally prefixed sha256:), the SHA-256 of the key.");
            }
            else if (!hashes.TryAdd(hash, client))
            {
                problems.Add($"{prefix} has the same key as {GridAuthOptions.SectionName}:Keys:{hashes[hash]}.");
            }

            if (key.PermitsPerWindow is < 0)
            {
                problems.Add($"{prefix}:PermitsPerWindow must be 0 (unlimited) or more.");
            }
        }

        var jwt = options.Jwt;
        if (jwt.Enabled)
        {
            if (string.IsNullOrWhiteSpace(jwt.Audience))
            {
                problems.Add($"{GridAuthOptions.SectionName}:Jwt:Audience is required when bearer tokens are on.");
            }

            if (jwt.Authority is null && jwt.SigningKey is null)
            {
                problems.Add($"{GridAuthOptions.SectionName}:Jwt needs an Authority (OpenID Connect) or a SigningKey.");
            }

            if (jwt.Authority is not null && !Uri.TryCreate(jwt.Authority, UriKind.Absolute, out _))
            {
                problems.Add($"{GridAuthOptions.SectionName}:Jwt:Authority must be an absolute URL.");
            }

            if (jwt.SigningKey is not null && (!TryBase64(jwt.SigningKey, out var bytes) || bytes.Length < 32))
            {
                problems.Add($"{GridAuthOptions.SectionName}:Jwt:SigningKey must be base64 of at least 32 bytes.");
            }

            if (jwt.SigningKey is not null && jwt.Authority is null && string.IsNullOrWhiteSpace(jwt.Issuer))
            {
                problems.Add($"{GridAuthOptions.SectionName}:Jwt:Issuer is required with a SigningKey.");
            }
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    internal static bool TryBase64(string text, out byte[] bytes)
    {
        bytes = new byte[text.Length];
        if (Convert.TryFromBase64String(text, bytes, out var written))
        {
            bytes = bytes[..written];
            return true;
        }

        return false;
    }
}

/// <summary>API keys are kept and compared as SHA-256 hashes: a leaked configuration does not leak a usable key.</summary>
public static class ApiKeyHash
{
    /// <summary>The lower-case hexadecimal SHA-256 of the key's UTF-8 bytes.</summary>
    public static string Of(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>A configured hash in lower case without its <c>sha256:</c> prefix, or null when it is not one.</summary>
    public static string? Normalize(string hash)
    {
        var hex = hash.StartsWith("sha256:", StringComparison.OrdinalIgnoreCase) ? hash[7..] : hash;
        return hex.Length == 64 && hex.All(char.IsAsciiHexDigit) ? hex.ToLowerInvariant() : null;
    }
}
