using System.Text.Json;
using Grid.Tests.Postgres;
using Xunit.Abstractions;

namespace Grid.Tests.Hosting;

/// <summary>
/// Given two silos and a gateway process on PostgreSQL under steady client load (reservations and warehouse receipts,
/// each sent until acknowledged, as a client honouring <c>Retry-After</c> does), the cluster changes as an operator or
/// a failure changes it: sales channels and the WMS see no failed request for a planned change (a queue changing hands
/// is not Grid falling behind) and only short retryable 503s for a killed silo; nothing anyone was told was done is
/// lost or done twice.
/// </summary>
[Trait("Category", "Hosting")]
[Collection(SiloProcessCollection.Name)]
public sealed class ElasticityTests(ElasticityRunFixture run, ITestOutputHelper output) : IClassFixture<ElasticityRunFixture>
{
    private const string RetryableRefusal = "503 with Retry-After";

    [Fact]
    public void A_silo_joining_under_load_fails_no_request() => NoRequestFailed("join");

    [Fact]
    public void A_silo_leaving_gracefully_under_load_fails_no_request() => NoRequestFailed("leave");

    [Fact]
    public void Restarting_every_silo_in_turn_under_load_fails_no_request() => NoRequestFailed("rolling");

    [Fact]
    public void A_killed_silo_costs_at_most_retryable_503s_that_end_within_5_s_and_no_hanging_request()
    {
        var clients = Clients("kill");
        Explain(clients);
        Assert.Equal(0, clients.GetProperty("timedOut").GetInt32());
        Assert.All(Failures(clients, "reservation").Concat(Failures(clients, "receipt")), failure => Assert.Equal(RetryableRefusal, failure));
        if (clients.GetProperty("failed").GetInt32() > 0)
        {
            Assert.InRange(clients.GetProperty("failuresEndedAfterSeconds").GetDouble(), 0, 5);
        }
    }

    [Fact]
    public void Every_acknowledged_reservation_and_receipt_takes_effect_exactly_once()
    {
        var loss = run.Report.GetProperty("loss");
        output.WriteLine(loss.ToString());
        Assert.True(loss.GetProperty("reservationsAcknowledged").GetInt32() > 0, "no reservation was acknowledged");
        Assert.True(loss.GetProperty("receiptsAccepted").GetInt32() > 0, "no receipt was accepted");
        Assert.Equal(0, loss.GetProperty("reservationsLost").GetInt32());
        Assert.Equal(0, loss.GetProperty("reservationsTwice").GetInt32());
        Assert.Equal(0, loss.GetProperty("receiptsLost").GetInt32());
        Assert.Equal(0, loss.GetProperty("receiptsTwice").GetInt32());
        Assert.Equal(0, loss.GetProperty("givenUp").GetInt32());
    }

    [Fact]
    public void After_each_change_the_silos_their_activations_and_the_apply_lag_are_reported()
    {
        foreach (var change in new[] { "join", "leave", "rolling", "kill" })
        {
            var result = run.Case(change);
            output.WriteLine($"{change}: balanced after {result.GetProperty("balancedAfterSeconds")} s, activations {result.GetProperty("activations")}, apply lag {result.GetProperty("maxApplyLagSeconds")} s");
            Assert.True(result.GetProperty("silosAfter").GetInt32() >= 2);
            Assert.NotEmpty(result.GetProperty("activations").EnumerateArray());
            Assert.Equal(JsonValueKind.Number, result.GetProperty("maxApplyLagSeconds").ValueKind);
        }
    }

    private void NoRequestFailed(string change)
    {
        var clients = Clients(change);
        Explain(clients);
        Assert.True(clients.GetProperty("requests").GetInt32() > 0, $"no request was sent around '{change}'");
        Assert.Equal(0, clients.GetProperty("timedOut").GetInt32());
        Assert.Empty(Failures(clients, "reservation"));
        Assert.Empty(Failures(clients, "receipt"));
    }

    /// <summary>The failures of one kind of operation, by what they were ("503 with Retry-After", "HTTP 429 (...)").</summary>
    private static List<string> Failures(JsonElement clients, string kind)
        => [.. clients.GetProperty("failuresByKind").EnumerateObject()
            .Where(f => f.Name.StartsWith(kind + ": ", StringComparison.Ordinal))
            .SelectMany(f => Enumerable.Repeat(f.Name[(kind.Length + 2)..], f.Value.GetInt32()))];

    private JsonElement Clients(string change) => run.Case(change).GetProperty("clients");

    private void Explain(JsonElement clients)
    {
        output.WriteLine(clients.ToString());
        if (clients.GetProperty("failed").GetInt32() > 0)
        {
            output.WriteLine($"The run's output:\n{run.Output}\nThe processes' logs are in {run.LogFolder}.");
        }
    }
}
