using System.Security.Claims;
using Grid.Gateway.Security;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using OpenTelemetry.Trace;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Grid.Tests.Gateway.Security;

/// <summary>
/// Given a dev-mode grid whose configuration adds clients of its own: an ERP key stored as its SHA-256 hash, bearer
/// tokens signed with a shared key, and the default rate limits; the spans it finishes are kept in <see cref="Spans"/>.
/// </summary>
public sealed class SecuredApiFactory : GridApiFactory
{
    /// <summary>Every span the grid finished, through its own OpenTelemetry configuration and an in-memory exporter.</summary>
    public SpanCollection Spans { get; } = new();

    public const string ErpKey = "erp-secret-key-for-tests-0001";
    public const string Issuer = "https://idp.grid.test";
    public const string Audience = "grid-api";

    private static readonly byte[] SigningKey = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Grid:RateLimits:PermitsPerWindow", "200");
        builder.UseSetting("Grid:Auth:Keys:erp-system:Role", "erp");
        builder.UseSetting("Grid:Auth:Keys:erp-system:Hash", "sha256:" + ApiKeyHash.Of(ErpKey).ToUpperInvariant());
        builder.UseSetting("Grid:Auth:Jwt:Issuer", Issuer);
        builder.UseSetting("Grid:Auth:Jwt:Audience", Audience);
        builder.UseSetting("Grid:Auth:Jwt:SigningKey", Convert.ToBase64String(SigningKey));
        builder.UseSetting("Grid:Telemetry:Tracing", "true");
        builder.ConfigureTestServices(services => services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(Spans)));
    }

    /// <summary>A token as the identity provider would issue it: signed, for <see cref="Audience"/>, with these scopes.</summary>
    public static string Token(string scope, string clientId = "web-shop", string audience = Audience, DateTime? expires = null)
    {
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = audience,
            Subject = new ClaimsIdentity([new Claim("sub", clientId), new Claim("client_id", clientId), new Claim("scope", scope)]),
            IssuedAt = (expires ?? now.AddHours(1)).AddHours(-2),
            NotBefore = (expires ?? now.AddHours(1)).AddHours(-2),
            Expires = expires ?? now.AddHours(1),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(SigningKey), SecurityAlgorithms.HmacSha256),
        });
    }
}

[CollectionDefinition(Name)]
public sealed class SecuredApiCollection : ICollectionFixture<SecuredApiFactory>
{
    public const string Name = "Grid API with configured clients";
}

/// <summary>A thread-safe collection for the in-memory exporter: the grid adds spans while a test reads them.</summary>
public sealed class SpanCollection : ICollection<System.Diagnostics.Activity>
{
    private readonly List<System.Diagnostics.Activity> _spans = [];
    private readonly Lock _lock = new();

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _spans.Count;
            }
        }
    }

    public bool IsReadOnly => false;

    /// <summary>The finished spans of one trace.</summary>
    public IReadOnlyList<System.Diagnostics.Activity> OfTrace(System.Diagnostics.ActivityTraceId traceId)
    {
        lock (_lock)
        {
            return [.. _spans.Where(s => s.TraceId == traceId)];
        }
    }

    public void Add(System.Diagnostics.Activity item)
    {
        lock (_lock)
        {
            _spans.Add(item);
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _spans.Clear();
        }
    }

    public bool Contains(System.Diagnostics.Activity item)
    {
        lock (_lock)
        {
            return _spans.Contains(item);
        }
    }

    public void CopyTo(System.Diagnostics.Activity[] array, int arrayIndex)
    {
        lock (_lock)
        {
            _spans.CopyTo(array, arrayIndex);
        }
    }

    public bool Remove(System.Diagnostics.Activity item)
    {
        lock (_lock)
        {
            return _spans.Remove(item);
        }
    }

    public IEnumerator<System.Diagnostics.Activity> GetEnumerator()
    {
        lock (_lock)
        {
            return _spans.ToList().GetEnumerator();
        }
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
