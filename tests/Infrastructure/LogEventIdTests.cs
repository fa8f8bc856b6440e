using System.Reflection;
using Microsoft.Extensions.Logging;
using Grid.Tests.Support;

namespace Grid.Tests.Infrastructure;

/// <summary>
/// Every source-generated log message of Grid's own code has an event id of its own, so that an operator filtering or
/// alerting on an id gets exactly one kind of message, and docs/log-events.md, the registry operators read, lists each
/// one. Ids are grouped by area: 11xx inventory, 12xx and 13xx orders, 14xx outbound, 15xx reconciliation, 2xxx
/// gateway and hosting, 3xxx streams.
/// </summary>
[Trait("Category", "Unit")]
public sealed class LogEventIdTests
{
    private static readonly Assembly[] GridAssemblies =
    [
        typeof(GridStreams).Assembly,
        typeof(Grid.Inventory.InventoryPartitionGrain).Assembly,
        typeof(Grid.Gateway.GatewayExtensions).Assembly,
        typeof(Grid.Streams.PostgresStreamQueues).Assembly,
        typeof(Grid.Postgres.GridDataSource).Assembly,
        typeof(Grid.Silo.Hosting.StreamHostingExtensions).Assembly,
        typeof(Grid.Hosting.GridOptions).Assembly,
        typeof(Grid.AppHost.LocalClusterOptions).Assembly,
    ];

    private static List<LoggerMessageAttribute> Messages() => [.. GridAssemblies
        .SelectMany(a => a.GetTypes())
        .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
        .Select(m => m.GetCustomAttribute<LoggerMessageAttribute>())
        .OfType<LoggerMessageAttribute>()
        .Where(a => a.EventId > 0)];

    [Fact]
    public void The_registry_in_the_docs_lists_every_event_id_with_its_name_and_no_other()
    {
        var inCode = Messages().Select(a => $"{a.EventId} {a.EventName}").Order(StringComparer.Ordinal);
        var registry = File.ReadLines(RepositoryFiles.PathOf("docs", "log-events.md"))
            .Where(line => line.Length > 2 && line[0] == '|' && char.IsAsciiDigit(line[2]))
            .Select(line => line.Split('|', StringSplitOptions.TrimEntries))
            .Select(cells => $"{cells[1]} {cells[2]}")
            .Order(StringComparer.Ordinal);

        Assert.Equal(inCode, registry);
    }

    [Fact]
    public void No_two_log_messages_share_an_event_id()
    {
        var messages = GridAssemblies
            .SelectMany(a => a.GetTypes())
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Select(m => (Method: m, Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(m => m.Attribute is { EventId: > 0 })
            .ToList();

        var shared = messages
            .GroupBy(m => m.Attribute!.EventId)
            .Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(m => $"{m.Method.DeclaringType!.Name}.{m.Method.Name}"))}")
            .ToList();

        Assert.True(messages.Count >= 40, $"Only {messages.Count} log messages found: the scan misses assemblies.");
        Assert.True(shared.Count == 0, $"Event ids used more than once: {string.Join("; ", shared)}");
    }
}
