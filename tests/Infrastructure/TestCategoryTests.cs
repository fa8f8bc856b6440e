using System.Reflection;

namespace Grid.Tests.Infrastructure;

/// <summary>
/// Every test class names what it needs in a <c>Category</c> trait, so that <c>./test.sh --filter Category=Domain</c>
/// (or Unit, Grains, Gateway, Postgres, Hosting, Browser) runs exactly that part: the domain specs are the classes under tests/Domain, and
/// the classes under tests/Postgres are the ones that need <c>GRID_TEST_POSTGRES</c>.
/// </summary>
[Trait("Category", "Unit")]
public sealed class TestCategoryTests
{
    /// <summary>
    /// Domain: the pure domain specs. Unit: other tests of code alone. Grains: in-process clusters. Gateway: HTTP.
    /// Postgres: a real database. Hosting: the Aspire AppHost, which starts PostgreSQL and every process itself.
    /// Browser: the ops console in headless Chromium.
    /// </summary>
    private static readonly string[] Categories = ["Domain", "Unit", "Grains", "Gateway", "Postgres", "Hosting", "Browser"];

    private static readonly Type[] TestClasses = [.. typeof(TestCategoryTests).Assembly.GetTypes()
        .Where(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly).Any(m => m.GetCustomAttributes<FactAttribute>().Any()))];

    private static string[] CategoriesOf(Type type) => [.. type.GetCustomAttributesData()
        .Where(a => a.AttributeType == typeof(TraitAttribute) && (string?)a.ConstructorArguments[0].Value == "Category")
        .Select(a => (string)a.ConstructorArguments[1].Value!)];

    [Fact]
    public void Every_test_class_has_exactly_one_known_category()
    {
        var wrong = TestClasses
            .Where(t => CategoriesOf(t) is not [var category] || !Categories.Contains(category))
            .Select(t => $"{t.FullName}: [{string.Join(", ", CategoriesOf(t))}]")
            .ToList();

        Assert.True(wrong.Count == 0, $"Give each test class one [Trait(\"Category\", ...)] of {string.Join(", ", Categories)}:\n{string.Join("\n", wrong)}");
    }

    [Fact]
    public void The_domain_category_is_exactly_the_specs_under_tests_Domain()
    {
        var wrong = TestClasses
            .Where(t => CategoriesOf(t).Contains("Domain") != IsIn(t, "Grid.Tests.Domain"))
            .Select(t => t.FullName)
            .ToList();

        Assert.True(wrong.Count == 0, $"Category Domain is for the classes under tests/Domain, and every one of them:\n{string.Join("\n", wrong)}");
    }

    [Fact]
    public void The_tests_under_tests_Postgres_are_in_the_postgres_category()
    {
        var wrong = TestClasses
            .Where(t => IsIn(t, "Grid.Tests.Postgres") && !CategoriesOf(t).Contains("Postgres"))
            .Select(t => t.FullName)
            .ToList();

        Assert.True(wrong.Count == 0, $"Tests under tests/Postgres need GRID_TEST_POSTGRES: give them category Postgres:\n{string.Join("\n", wrong)}");
    }

    private static bool IsIn(Type type, string ns) => type.Namespace == ns || type.Namespace?.StartsWith(ns + ".", StringComparison.Ordinal) == true;
}
