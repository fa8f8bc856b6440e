using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Grid.Domain.Outbound;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Grid.LoadTests.Baseline;

/// <summary>
/// The baseline's outbound sync, as a row-lock design does it: every change writes an <c>outbox</c> row in its own
/// transaction (see <see cref="BaselineStore"/>), and one relay polls the table, posts what it finds oldest first as a
/// signed CloudEvents batch (Standard Webhooks, the same secret and shapes as Grid), and deletes the rows it delivered
/// in the transaction that locked them. Off unless the baseline is given a receiver URL.
/// </summary>
internal sealed class BaselineOutbox(NpgsqlDataSource db, BaselineOptions options) : BackgroundService
{
    public const int BatchSize = 100;

    private static readonly TimeSpan IdlePoll = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan FailureBackoff = TimeSpan.FromSeconds(1);

    private const string ClaimSql = "SELECT id, subject, occurred_at, data FROM outbox ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED";
    private const string DeleteSql = "DELETE FROM outbox WHERE id = ANY($1)";
    private const string DepthSql = "SELECT count(*) FROM outbox";

    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
    {
        Timeout = TimeSpan.FromSeconds(15),
    };

    private readonly byte[]? _key = options.OutboundSecret is { } secret ? WebhookSignature.Key(secret) : null;

    public bool Enabled => options.OutboundUrl is not null;

    /// <summary>While paused the relay delivers nothing and the outbox fills (<c>compare --scenario outbound-deliver</c>).</summary>
    public bool Paused { get; set; }

    /// <summary>The event data of an availability change.</summary>
    public static string AvailabilityData(string sku, string location, long available)
        => JsonSerializer.Serialize(new AvailabilityData(sku, location, Math.Max(0, available)), BaselineJson.Default.AvailabilityData);

    /// <summary>Rows waiting in the outbox.</summary>
    public async Task<long> DepthAsync(CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand(DepthSql);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (Paused || !await RelayOnceAsync(stoppingToken))
                {
                    await Task.Delay(IdlePoll, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or HttpRequestException or TaskCanceledException)
            {
                await Task.Delay(FailureBackoff, stoppingToken);
            }
        }
    }

    /// <summary>Delivers one batch; false when the outbox was empty.</summary>
    private async Task<bool> RelayOnceAsync(CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var ids = new List<long>(BatchSize);
        using var body = new MemoryStream();
        await using (var claim = new NpgsqlCommand(ClaimSql, connection, transaction))
        {
            claim.Parameters.Add(new NpgsqlParameter<int> { TypedValue = BatchSize });
            await using var reader = await claim.ExecuteReaderAsync(cancellationToken);
            await using var json = new Utf8JsonWriter(body);
            json.WriteStartArray();
            while (await reader.ReadAsync(cancellationToken))
            {
                var id = reader.GetInt64(0);
                ids.Add(id);
                json.WriteStartObject();
                json.WriteString("specversion", "1.0");
                json.WriteString("id", "baseline-" + id.ToString(CultureInfo.InvariantCulture));
                json.WriteString("type", "grid.inventory.availability.changed.v1");
                json.WriteString("source", "/baseline");
                json.WriteString("subject", reader.GetString(1));
                json.WriteString("time", reader.GetFieldValue<DateTimeOffset>(2));
                json.WriteString("sequence", id.ToString("D20", CultureInfo.InvariantCulture));
                json.WriteString("datacontenttype", "application/json");
                json.WritePropertyName("data");
                json.WriteRawValue(reader.GetString(3));
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        if (ids.Count == 0)
        {
            await transaction.CommitAsync(cancellationToken);
            return false;
        }

        var bytes = body.ToArray();
        var webhookId = $"baseline-{ids[0].ToString(CultureInfo.InvariantCulture)}-{ids.Count.ToString(CultureInfo.InvariantCulture)}";
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, options.OutboundUrl) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/cloudevents-batch+json") { CharSet = Encoding.UTF8.WebName };
        request.Headers.TryAddWithoutValidation("webhook-id", webhookId);
        request.Headers.TryAddWithoutValidation("webhook-timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation("webhook-signature", WebhookSignature.Sign(_key!, webhookId, timestamp, bytes));
        using var response = await _http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            await transaction.RollbackAsync(cancellationToken);
            await Task.Delay(FailureBackoff, cancellationToken);
            return true;
        }

        await using (var delete = new NpgsqlCommand(DeleteSql, connection, transaction))
        {
            delete.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. ids] });
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public override void Dispose()
    {
        _http.Dispose();
        base.Dispose();
    }
}

/// <summary>The data of the baseline's availability event.</summary>
internal sealed record AvailabilityData(string Sku, string Location, long Available);
