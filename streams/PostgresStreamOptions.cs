using System.ComponentModel.DataAnnotations;

namespace Grid.Streams;

/// <summary>Settings of one PostgreSQL-backed stream provider (the schema is Grid's migration 0007).</summary>
public sealed class PostgresStreamOptions
{
    /// <summary>An Npgsql connection string to the database that holds <c>grid_stream_message</c>.</summary>
    [Required]
    public string ConnectionString { get; set; } = "";

    /// <summary>
    /// A message handed out in this many delivery sessions without being acknowledged (each silo crash or queue
    /// hand-over while it was in flight starts a new one) is moved to the dead letters instead of being delivered again.
    /// </summary>
    [Range(1, 1000)]
    public int MaxDeliveryAttempts { get; set; } = 5;

    /// <summary>Concurrent INSERT statements that carry the messages queued at the same moment.</summary>
    [Range(1, 64)]
    public int EnqueueConcurrency { get; set; } = 2;

    /// <summary>At most this many messages go to PostgreSQL in one INSERT.</summary>
    [Range(1, 10_000)]
    public int MaxEnqueueBatch { get; set; } = 1000;
}
