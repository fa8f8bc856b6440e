using System.Text.Json.Serialization;

namespace Grid.Domain.Orders;

public enum LocationType
{
    Dc = 0,
    Store = 1,
    ThirdPartyLogistics = 2,
}

/// <summary>Master data of one stocking location. A lower <see cref="Priority"/> is sourced from first.</summary>
public sealed record LocationRecord(
    string Location,
    string Name,
    LocationType Type,
    IReadOnlyList<string> Regions,
    int Priority,
    DateTimeOffset UpdatedAt)
{
    public bool Serves(string region) => Regions.Contains(region, StringComparer.OrdinalIgnoreCase);

    public bool IsSameAs(LocationRecord other)
        => string.Equals(Name, other.Name, StringComparison.Ordinal)
        && Type == other.Type
        && Priority == other.Priority
        && Regions.SequenceEqual(other.Regions, StringComparer.Ordinal);
}

/// <summary>Every location the grid sources from, and which serve a ship-to region in what order.</summary>
public sealed class LocationDirectory
{
    [JsonInclude] public List<LocationRecord> Locations { get; private set; } = [];

    /// <summary>Rises with every change, so that a copy knows whether it is current.</summary>
    [JsonInclude] public long Version { get; private set; }

    /// <summary>A directory holding <paramref name="locations"/> at <paramref name="version"/> (a copy of another).</summary>
    public static LocationDirectory Of(long version, IEnumerable<LocationRecord> locations)
    {
        var directory = new LocationDirectory { Version = version };
        directory.Locations.AddRange(locations);
        directory.Locations.Sort((a, b) => string.CompareOrdinal(a.Location, b.Location));
        return directory;
    }

    /// <summary>Adds or replaces a location; false when it was stored already exactly so.</summary>
    public bool Upsert(LocationRecord location)
    {
        var index = Locations.FindIndex(l => string.Equals(l.Location, location.Location, StringComparison.Ordinal));
        if (index >= 0 && Locations[index].IsSameAs(location))
        {
            return false;
        }

        Version++;

        if (index >= 0)
        {
            Locations[index] = location;
        }
        else
        {
            Locations.Add(location);
            Locations.Sort((a, b) => string.CompareOrdinal(a.Location, b.Location));
        }

        return true;
    }

    public LocationRecord? Find(string location) => Locations.FirstOrDefault(l => string.Equals(l.Location, location, StringComparison.Ordinal));

    /// <summary>The locations that serve <paramref name="region"/>, by priority (then by id, so the order is stable).</summary>
    public IReadOnlyList<LocationRecord> Candidates(string region)
        => [.. Locations.Where(l => l.Serves(region)).OrderBy(l => l.Priority).ThenBy(l => l.Location, StringComparer.Ordinal)];
}
