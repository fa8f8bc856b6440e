using Grid.Gateway.Security;
using Grid.Hosting;
using Microsoft.Extensions.Options;

namespace Grid.Tests.Gateway.Security;

/// <summary>What Grid:Auth accepts, and which keys a process then honours.</summary>
[Trait("Category", "Unit")]
public sealed class AuthOptionsTests
{
    private static readonly GridAuthOptionsValidator Validator = new();

    [Fact]
    public void A_key_is_kept_and_matched_by_its_SHA_256_hash()
    {
        Assert.Equal("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", ApiKeyHash.Of("hello"));
        Assert.Equal(ApiKeyHash.Of("hello"), ApiKeyHash.Normalize("SHA256:2CF24DBA5FB0A30E26E83B2AC5B9E29E1B161E5C1FA7425E73043362938B9824"));
        Assert.Null(ApiKeyHash.Normalize("2cf24dba"));
    }

    [Fact]
    public void The_dev_keys_are_honoured_in_dev_mode_only()
    {
        var dev = Store(GridMode.Dev, new GridAuthOptions());
        Assert.Equal(["ops"], dev.Find(DevKeys.For(GridRoles.Ops))!.Roles);
        Assert.Equal(GridRoles.All, dev.Find(DevKeys.AllRoles)!.Roles);
        Assert.Equal(0, dev.Find(DevKeys.AllRoles)!.PermitsPerWindow);
        Assert.Null(dev.Find(DevKeys.For(GridRoles.Sales))!.PermitsPerWindow);

        var postgres = Store(GridMode.Postgres, new GridAuthOptions());
        Assert.Null(postgres.Find(DevKeys.AllRoles));
        Assert.Equal(0, postgres.Count);

        var switchedOff = Store(GridMode.Dev, new GridAuthOptions { DevKeys = false });
        Assert.Null(switchedOff.Find(DevKeys.AllRoles));
    }

    [Fact]
    public void A_configured_key_is_honoured_in_Postgres_mode_with_its_roles_and_limit()
    {
        var options = new GridAuthOptions();
        options.Keys["shop"] = new ApiClientOptions { Role = "sales, crm", Hash = ApiKeyHash.Of("shop-key-0123456789"), PermitsPerWindow = 50 };

        var client = Store(GridMode.Postgres, options).Find("shop-key-0123456789");

        Assert.NotNull(client);
        Assert.Equal("shop", client.Name);
        Assert.Equal(["sales", "crm"], client.Roles);
        Assert.Equal(50, client.PermitsPerWindow);
        Assert.Null(Store(GridMode.Postgres, options).Find("shop-key-012345678"));
    }

    [Theory]
    [InlineData(null, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", null, "Grid:Auth:Keys:k:Role is required")]
    [InlineData("admin", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", null, "Role 'admin' is not a role")]
    [InlineData("ops", "0123", null, "Grid:Auth:Keys:k:Hash must be 64 hexadecimal digits")]
    [InlineData("ops", null, null, "give exactly one of Hash")]
    [InlineData("ops", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "a-key-0123456789", "give exactly one of Hash")]
    [InlineData("ops", null, "short", "Grid:Auth:Keys:k:Key must be at least 16 characters")]
    public void An_unusable_key_stops_the_start_naming_it(string? role, string? hash, string? key, string expected)
    {
        var options = new GridAuthOptions();
        options.Keys["k"] = new ApiClientOptions { Role = role, Hash = hash, Key = key };

        var result = Validator.Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Two_clients_with_one_key_and_bearer_tokens_without_an_audience_stop_the_start()
    {
        var options = new GridAuthOptions { Jwt = new GridJwtOptions { SigningKey = Convert.ToBase64String(new byte[16]) } };
        options.Keys["a"] = new ApiClientOptions { Role = "ops", Key = "the-same-key-0123" };
        options.Keys["b"] = new ApiClientOptions { Role = "erp", Hash = ApiKeyHash.Of("the-same-key-0123") };

        var failures = Validator.Validate(null, options).Failures!.ToList();

        Assert.Contains(failures, f => f.Contains("Grid:Auth:Keys:b has the same key as Grid:Auth:Keys:a", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Grid:Auth:Jwt:Audience is required", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Grid:Auth:Jwt:SigningKey must be base64 of at least 32 bytes", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Grid:Auth:Jwt:Issuer is required", StringComparison.Ordinal));
    }

    private static ApiKeyStore Store(GridMode mode, GridAuthOptions auth)
        => new(Options.Create(auth), Options.Create(new GridOptions { Mode = mode }));
}
