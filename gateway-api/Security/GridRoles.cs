using Microsoft.AspNetCore.Authorization;

namespace Grid.Gateway.Security;

/// <summary>
/// The client roles of the API contract (API.md). A client (an API key or a bearer token) holds one or more of them;
/// every endpoint names the roles that may call it.
/// </summary>
public static class GridRoles
{
    /// <summary>Sales channels: ATP, reservations, orders.</summary>
    public const string Sales = "sales";

    /// <summary>Warehouse management systems: warehouse events, carrier milestones.</summary>
    public const string Wms = "wms";

    /// <summary>Suppliers: purchase-order acknowledgements, ASNs, delays.</summary>
    public const string Supplier = "supplier";

    /// <summary>The ERP: credit, invoices, inventory policy, locations.</summary>
    public const string Erp = "erp";

    /// <summary>The CRM: read access to availability, inventory and orders.</summary>
    public const string Crm = "crm";

    /// <summary>Operations: event queues, exceptions, the dashboard.</summary>
    public const string Ops = "ops";

    /// <summary>Carriers (optional): shipment milestones only.</summary>
    public const string Carrier = "carrier";

    /// <summary>Every role, in the order the documentation lists them.</summary>
    public static readonly IReadOnlyList<string> All = [Sales, Wms, Supplier, Erp, Crm, Ops, Carrier];

    public static bool IsKnown(string role) => All.Contains(role, StringComparer.Ordinal);
}

/// <summary>The claim types Grid puts on an authenticated client.</summary>
public static class GridClaims
{
    /// <summary>One claim per role the client holds.</summary>
    public const string Role = "grid_role";

    /// <summary>The client's identity: the API key's name, or the token's client id (rate limits are per client).</summary>
    public const string Client = "grid_client";
}

/// <summary>Endpoint metadata: the roles that may call an endpoint (read by the OpenAPI document and the tests).</summary>
public sealed class GridRolesMetadata(IReadOnlyList<string> roles)
{
    public IReadOnlyList<string> Roles { get; } = roles;
}

public static class GridRoleEndpointExtensions
{
    /// <summary>
    /// Lets only clients holding at least one of <paramref name="roles"/> call the endpoint (or every endpoint of the
    /// group): others get 401 (no or an unknown key or token) or 403 (a valid client without the role) as Problem
    /// Details. One line per endpoint group: <c>api.MapGroup("/ops/outbox").RequireGridRole(GridRoles.Ops)</c>.
    /// </summary>
    public static TBuilder RequireGridRole<TBuilder>(this TBuilder builder, params string[] roles) where TBuilder : IEndpointConventionBuilder
    {
        ArgumentOutOfRangeException.ThrowIfZero(roles.Length);
        foreach (var role in roles)
        {
            if (!GridRoles.IsKnown(role))
            {
                throw new ArgumentException($"'{role}' is not a Grid role ({string.Join(", ", GridRoles.All)}).", nameof(roles));
            }
        }

        // No scheme named: the policy judges the user the authentication middleware established with the default
        // scheme, instead of authenticating again and merging the principals on every request.
        var policy = new AuthorizationPolicyBuilder()
            .RequireAuthenticatedUser()
            .RequireClaim(GridClaims.Role, roles)
            .Build();
        return builder.RequireAuthorization(policy).WithMetadata(new GridRolesMetadata([.. roles]));
    }
}
