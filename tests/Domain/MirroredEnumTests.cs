namespace Grid.Tests.Domain;

/// <summary>
/// The domain model keeps enums of its own beside the contracts' (so that it needs no serializer attributes), and the
/// grains convert between them by numeric cast. Each pair must therefore name the same members with the same values,
/// or a cast silently turns one state into another.
/// </summary>
[Trait("Category", "Domain")]
public sealed class MirroredEnumTests
{
    /// <summary>Pairs whose names differ; pairs with the same name are found by <see cref="SameNamePairs"/>.</summary>
    private static readonly (Type Domain, Type Contract)[] RenamedPairs =
    [
        (typeof(Grid.Domain.ReservationState), typeof(Grid.Inventory.ReservationStatus)),
        (typeof(Grid.Domain.MovementResult), typeof(Grid.Inventory.MovementOutcomeCode)),
        (typeof(Grid.Domain.MovementKind), typeof(Grid.Inventory.MovementType)),
    ];

    public static TheoryData<string, Type, Type> Pairs()
    {
        var data = new TheoryData<string, Type, Type>();
        foreach (var (domain, contract) in SameNamePairs().Concat(RenamedPairs))
        {
            data.Add($"{domain.Name} / {contract.Name}", domain, contract);
        }

        return data;
    }

    [Fact]
    public void The_pairs_found_by_name_are_the_ones_the_grains_cast_between()
    {
        Assert.Equal(
            ["BackorderNoticeKind", "CartRefusal", "CreditStatus", "ExceptionKind", "ExceptionResultCode", "ExceptionSeverity", "ExceptionState", "ExceptionSubjectType", "KpiFactKind", "LocationType", "MilestoneType", "OrderExceptionKind", "OrderStatus", "PreorderRefusal", "QuotaAudience", "ReconcileCode", "RedeliveryCode",
             "ReturnDisposition", "ReturnStatus"],
            SameNamePairs().Select(p => p.Domain.Name).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void A_domain_enum_and_its_contract_name_the_same_members_with_the_same_values(string pair, Type domain, Type contract)
    {
        Assert.True(Members(domain).SequenceEqual(Members(contract)),
            $"{pair}: domain [{string.Join(", ", Members(domain))}] but contract [{string.Join(", ", Members(contract))}]");
    }

    private static IEnumerable<string> Members(Type type)
        => Enum.GetValues(type).Cast<object>().Select(v => $"{Enum.GetName(type, v)}={Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture)}");

    private static IEnumerable<(Type Domain, Type Contract)> SameNamePairs()
    {
        var contracts = typeof(GridStreams).Assembly.GetTypes().Where(t => t.IsEnum && t.IsPublic).ToLookup(t => t.Name);
        return typeof(Grid.Domain.SkuLocationInventory).Assembly.GetTypes()
            .Where(t => t.IsEnum && t.Namespace?.StartsWith("Grid.Domain", StringComparison.Ordinal) == true)
            .SelectMany(d => contracts[d.Name].Select(c => (d, c)));
    }
}
