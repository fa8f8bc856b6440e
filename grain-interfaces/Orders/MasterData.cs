using System.Collections.Immutable;

namespace Grid.Orders;

[GenerateSerializer, Alias("grid.orders.CreditStatus")]
public enum CreditStatus
{
    Active = 0,
    Hold = 1,
}

/// <summary>The ERP's credit status for a customer, as of the ERP's <see cref="UpdatedAt"/>.</summary>
[GenerateSerializer, Immutable, Alias("grid.orders.CreditUpdate")]
public sealed record CreditUpdate(
    [property: Id(0)] CreditStatus Status,
    [property: Id(1)] string? Reason,
    [property: Id(2)] DateTimeOffset UpdatedAt);

[GenerateSerializer, Immutable, Alias("grid.orders.CustomerCreditView")]
public sealed record CustomerCreditView(
    [property: Id(0)] string CustomerId,
    [property: Id(1)] CreditStatus Status,
    [property: Id(2)] string? Reason,
    [property: Id(3)] DateTimeOffset? UpdatedAt,
    [property: Id(4)] ImmutableArray<string> HeldOrders,
    [property: Id(5)] bool Applied = true);

/// <summary>The ERP's customer group for a customer (null: none), as of the ERP's <see cref="UpdatedAt"/>; product allocation rations by it.</summary>
[GenerateSerializer, Immutable, Alias("grid.orders.CustomerGroupUpdate")]
public sealed record CustomerGroupUpdate(
    [property: Id(0)] string? Group,
    [property: Id(1)] DateTimeOffset UpdatedAt);

[GenerateSerializer, Immutable, Alias("grid.orders.CustomerGroupView")]
public sealed record CustomerGroupView(
    [property: Id(0)] string CustomerId,
    [property: Id(1)] string? Group,
    [property: Id(2)] DateTimeOffset? UpdatedAt,
    [property: Id(3)] bool Applied = true);

[GenerateSerializer, Alias("grid.orders.LocationType")]
public enum LocationType
{
    Dc = 0,
    Store = 1,
    ThirdPartyLogistics = 2,
}

[GenerateSerializer, Immutable, Alias("grid.orders.LocationInput")]
public sealed record LocationInput(
    [property: Id(0)] string Location,
    [property: Id(1)] string Name,
    [property: Id(2)] LocationType Type,
    [property: Id(3)] ImmutableArray<string> Regions,
    [property: Id(4)] int Priority);

[GenerateSerializer, Immutable, Alias("grid.orders.LocationView")]
public sealed record LocationView(
    [property: Id(0)] string Location,
    [property: Id(1)] string Name,
    [property: Id(2)] LocationType Type,
    [property: Id(3)] ImmutableArray<string> Regions,
    [property: Id(4)] int Priority,
    [property: Id(5)] DateTimeOffset UpdatedAt);

/// <summary>The location directory at <see cref="Version"/>: its locations, or none when the asker holds that version (<see cref="Unchanged"/>).</summary>
[GenerateSerializer, Immutable, Alias("grid.orders.LocationDirectorySnapshot")]
public sealed record LocationDirectorySnapshot(
    [property: Id(0)] long Version,
    [property: Id(1)] bool Unchanged,
    [property: Id(2)] ImmutableArray<LocationView> Locations);
