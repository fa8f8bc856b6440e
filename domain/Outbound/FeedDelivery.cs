using System.Text.Json.Serialization;

namespace Grid.Domain.Outbound;

/// <summary>
/// One target's delivery of availability changes read straight from the availability feed: a cursor (the feed
/// position delivered up to) rather than a queue. The feed holds each SKU-location once, at its latest change, so a
/// target that falls behind has at most one event per SKU-location to catch up on, and recording a change costs the
/// SKU-location nothing beyond its own state write.
/// </summary>
/// <remarks>
/// What is stored is the cursor, the counters and the dead letters; the attempt count and the time of the next attempt
/// live in memory (after a restart the head is simply tried again). The cursor only passes a change once its request
/// was answered 2xx, or once the change was given up on and kept as a dead letter.
/// </remarks>
public sealed class FeedDelivery
{
    /// <summary>Dead letters kept; the oldest goes first when more arrive.</summary>
    public const int MaxDeadLetters = 1_000;

    private const int LagSamples = 512;

    private readonly Queue<double> _lags = new();

    /// <summary>The feed the cursor belongs to; a cursor of another feed (a new database, a dev process) starts again.</summary>
    [JsonInclude] public string? Epoch { get; private set; }

    /// <summary>Every change at or below this position has been delivered or dead-lettered.</summary>
    [JsonInclude] public long Position { get; private set; }

    [JsonInclude] public bool Paused { get; private set; }

    [JsonInclude] public long Delivered { get; private set; }

    [JsonInclude] public long FailedAttempts { get; private set; }

    [JsonInclude] public DateTimeOffset? LastDeliveredAt { get; private set; }

    [JsonInclude] public string? LastError { get; private set; }

    [JsonInclude] public List<DeadLetter> DeadLetters { get; private set; } = [];

    /// <summary>Failed attempts at the change after <see cref="Position"/> so far.</summary>
    [JsonIgnore] public int Attempts { get; private set; }

    /// <summary>When the change after <see cref="Position"/> failed first (for the policy's age limit).</summary>
    [JsonIgnore] public DateTimeOffset? FailingSince { get; private set; }

    /// <summary>No attempt before this (a back-off after a failure).</summary>
    [JsonIgnore] public DateTimeOffset? RetryAt { get; private set; }

    /// <summary>The delivery lags (change → 2xx) of the latest deliveries, in seconds.</summary>
    [JsonIgnore] public IReadOnlyCollection<double> RecentLags => _lags;

    /// <summary>
    /// Starts reading <paramref name="epoch"/>: from the stored cursor if it is this feed's, else after
    /// <paramref name="start"/> (0: from the feed's start, every SKU-location's latest change once).
    /// </summary>
    public void Follow(string epoch, long start = 0)
    {
        if (Epoch != epoch)
        {
            (Epoch, Position) = (epoch, start);
        }
    }

    public bool Due(DateTimeOffset now) => !Paused && (RetryAt is not { } at || at <= now);

    /// <summary>The feed had nothing after the cursor up to <paramref name="horizon"/>: the cursor moves there.</summary>
    public bool Skip(long horizon)
    {
        if (horizon <= Position)
        {
            return false;
        }

        Position = horizon;
        return true;
    }

    public void SetPaused(bool paused) => Paused = paused;

    /// <summary>
    /// Settles one round: its requests in feed order, each with the position of its last change and the times its
    /// changes happened. The cursor passes each request answered 2xx and each given up on, up to the first that is to be
    /// tried again; past the last request it moves to <paramref name="readTo"/>, the position the page was read up to.
    /// </summary>
    /// <returns>The changes given up on, to be reported.</returns>
    public IReadOnlyList<DeadLetter> Settle(
        IReadOnlyList<FeedRequest> requests, long readTo, DateTimeOffset now, RetryPolicy policy, double jitter)
    {
        var dead = new List<DeadLetter>();
        foreach (var request in requests)
        {
            var result = request.Result;
            if (result.Verdict == DeliveryVerdict.Delivered)
            {
                Delivered += request.Events.Count;
                LastDeliveredAt = now;
                foreach (var e in request.Events)
                {
                    RecordLag(Math.Max(0, (now - e.Event.Time).TotalSeconds));
                }

                Pass(request.LastPosition);
                continue;
            }

            FailedAttempts++;
            LastError = result.Describe();
            Attempts++;
            FailingSince ??= now;
            if (result.Verdict == DeliveryVerdict.Retry && !policy.GivesUp(Attempts, FailingSince.Value, now))
            {
                RetryAt = now + policy.Delay(Attempts, result.RetryAfter, jitter);
                return dead;
            }

            foreach (var e in request.Events)
            {
                var letter = new DeadLetter(e with { Attempts = Attempts, LastStatus = result.Status, LastError = result.Error }, now, LastError);
                DeadLetters.Add(letter);
                dead.Add(letter);
            }

            if (DeadLetters.Count > MaxDeadLetters)
            {
                DeadLetters.RemoveRange(0, DeadLetters.Count - MaxDeadLetters);
            }

            Pass(request.LastPosition);
        }

        Skip(readTo);
        return dead;
    }

    /// <summary>Takes the dead letters named (all when null) out, to be sent again.</summary>
    public IReadOnlyList<DeadLetter> TakeDeadLetters(IReadOnlyCollection<string>? ids)
    {
        var taken = DeadLetters.Where(d => ids is null || ids.Contains(d.Queued.Event.Id)).ToList();
        DeadLetters.RemoveAll(taken.Contains);
        return taken;
    }

    /// <summary>Dead letters sent again and answered 2xx.</summary>
    public void Replayed(int count, DateTimeOffset now)
    {
        Delivered += count;
        LastDeliveredAt = now;
    }

    private void Pass(long position)
    {
        Position = Math.Max(Position, position);
        (Attempts, FailingSince, RetryAt) = (0, null, null);
    }

    private void RecordLag(double seconds)
    {
        _lags.Enqueue(seconds);
        if (_lags.Count > LagSamples)
        {
            _lags.Dequeue();
        }
    }
}

/// <summary>One request of a round: its events in feed order, the feed position of the last, and how it was answered.</summary>
public sealed record FeedRequest(IReadOnlyList<QueuedEvent> Events, long LastPosition, AttemptResult Result);
