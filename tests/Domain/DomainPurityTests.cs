namespace Grid.Tests.Domain;

/// <summary>The domain model is plain .NET: no Orleans, database or web framework reaches it.</summary>
[Trait("Category", "Domain")]
public sealed class DomainPurityTests
{
    [Fact]
    public void The_domain_assembly_references_nothing_but_the_base_class_library()
    {
        var references = typeof(Grid.Domain.SkuLocationInventory).Assembly.GetReferencedAssemblies().Select(a => a.Name!);

        Assert.DoesNotContain(references, name => !(name == "netstandard" || name.StartsWith("System", StringComparison.Ordinal)));
    }
}
