using System.Text.Json;
using Grid.Domain.Exceptions;
using Grid.Orders;
using Xunit.Abstractions;

namespace Grid.Tests.Domain.Exceptions;

/// <summary>
/// What one new exception costs in state written (issue 19 item 4, "partitioned exception lists"): before, the one
/// ops-list grain rewrote all of its (up to 1,000) exceptions for each new one; now one partition of the queue rewrites
/// its own share. Measured as the JSON the grain storage writes, for a queue holding 1,000 open exceptions.
/// </summary>
[Trait("Category", "Domain")]
public sealed class ExceptionWriteSizeTests(ITestOutputHelper output)
{
    private const int Open = 1_000;
    private const int Partitions = 16;
    private const int ResolvedPerPartition = 64;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_new_exception_rewrites_one_partition_a_small_fraction_of_what_the_single_list_rewrote()
    {
        // Before: the singleton's state, as full as its cap allowed.
        var singleton = new { Items = Enumerable.Range(0, Open).Select(i => new OrderExceptionView(
            $"O-{i}#1", $"O-{i}", OrderExceptionKind.ShortPick, T0, "Short pick of 3 SKU-1 at DC1 for line L1: 3 sourced elsewhere.", "L1", "DC1", OrderStatus.Picking)).ToList() };
        var before = JsonSerializer.SerializeToUtf8Bytes(singleton, Json).Length;

        // After: the same open exceptions spread over the partitions, each also holding its full share of resolved ones.
        var partitions = Enumerable.Range(0, Partitions).Select(p => new ExceptionPartition(p) { ResolvedLimit = ResolvedPerPartition }).ToArray();
        for (var i = 0; i < Open + (Partitions * ResolvedPerPartition); i++)
        {
            var report = new ExceptionReport(ExceptionKind.ShortPick, ExceptionRules.Order($"O-{i}"),
                "Short pick of 3 SKU-1 at DC1 for line L1: 3 sourced elsewhere.", T0, $"O-{i}#1", "L1", LineId: "L1", Sku: "SKU-1", Location: "DC1", Reference: $"O-{i}#1");
            var partition = partitions[ExceptionKeys.PartitionOf(report.Key, Partitions)];
            var id = partition.Report(report, T0).Exception.Id;
            if (i >= Open)
            {
                partition.Resolve(id, "alice", "reshipped", T0);
            }
        }

        foreach (var partition in partitions)
        {
            partition.Outbox.Settle(_ => []);
        }

        var after = partitions.Select(p => JsonSerializer.SerializeToUtf8Bytes(p, Json).Length).ToArray();
        output.WriteLine($"bytes written per new exception: before {before:N0} (one list of {Open:N0}); after {after.Average():N0} on average, {after.Max():N0} at most ({Partitions} partitions, {Open:N0} open, {ResolvedPerPartition} resolved kept each)");
        Assert.True(after.Max() * 3 < before, $"a partition writes {after.Max():N0} bytes, the single list {before:N0}");
    }
}
