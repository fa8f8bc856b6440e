using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Grid.Domain.Outbound;

public enum DeliveryVerdict
{
    /// <summary>A 2xx: the target has it.</summary>
    Delivered = 0,

    /// <summary>408, 429, 5xx, a timeout or a network failure: try again later.</summary>
    Retry = 1,

    /// <summary>Any other answer (a 4xx such as 400, 401, 404, 410): trying again would not help; dead letter.</summary>
    Permanent = 2,
}

/// <summary>What one HTTP attempt came to: the status (none for a timeout or network failure), Retry-After, and why.</summary>
public sealed record AttemptResult(int? Status, TimeSpan? RetryAfter, string? Error, TimeSpan Elapsed)
{
    public DeliveryVerdict Verdict => Classify(Status);

    public static DeliveryVerdict Classify(int? status) => status switch
    {
        null => DeliveryVerdict.Retry,
        >= 200 and < 300 => DeliveryVerdict.Delivered,
        408 or 429 or >= 500 => DeliveryVerdict.Retry,
        _ => DeliveryVerdict.Permanent,
    };

    public string Describe() => Status is { } s
        ? string.Create(CultureInfo.InvariantCulture, $"HTTP {s}{(Error is null ? "" : $": {Error}")}")
        : Error ?? "no answer";
}

/// <summary>
/// Exponential back-off with jitter between delivery attempts: attempt n waits between half and all of
/// <c>min(max, initial × 2^(n−1))</c>; a <c>Retry-After</c> from the target is honoured when longer (up to <see cref="MaxRetryAfter"/>).
/// </summary>
public sealed record RetryPolicy(TimeSpan Initial, TimeSpan Max, int MaxAttempts, TimeSpan MaxAge)
{
    /// <summary>The longest Retry-After honoured; a target asking for more is asked again after this.</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromHours(1);

    /// <param name="attempts">Attempts made so far (1 after the first failure).</param>
    /// <param name="retryAfter">What the target asked for in <c>Retry-After</c>, if anything.</param>
    /// <param name="jitter">A random number in [0, 1).</param>
    public TimeSpan Delay(int attempts, TimeSpan? retryAfter, double jitter)
    {
        var exponent = Math.Min(Math.Max(attempts - 1, 0), 30);
        var ceiling = Math.Min(Max.TotalMilliseconds, Initial.TotalMilliseconds * Math.Pow(2, exponent));
        var delay = TimeSpan.FromMilliseconds(ceiling / 2 + (ceiling / 2 * Math.Clamp(jitter, 0, 1)));
        if (retryAfter is { } asked && asked > delay)
        {
            delay = asked < MaxRetryAfter ? asked : MaxRetryAfter;
        }

        return delay;
    }

    /// <summary>Whether an event that failed its <paramref name="attempts"/>th attempt is given up on (dead letter).</summary>
    public bool GivesUp(int attempts, DateTimeOffset enqueuedAt, DateTimeOffset now) => attempts >= MaxAttempts || now - enqueuedAt >= MaxAge;
}

/// <summary>
/// A token bucket with time as data: <see cref="Rate"/> tokens a second up to <see cref="Burst"/>. A publisher spends one
/// per HTTP request, which keeps it under its share of the target's rate limit.
/// </summary>
public sealed class TokenBucket(double rate, double burst)
{
    private double _tokens = burst;
    private DateTimeOffset? _at;

    public double Rate { get; } = rate;

    public double Burst { get; } = burst;

    /// <summary>Whole tokens available at <paramref name="now"/>.</summary>
    public int Available(DateTimeOffset now)
    {
        Refill(now);
        return (int)Math.Floor(_tokens);
    }

    public void Take(int count, DateTimeOffset now)
    {
        Refill(now);
        _tokens -= count;
    }

    /// <summary>How long until a token is available (zero when one is).</summary>
    public TimeSpan UntilNext(DateTimeOffset now)
    {
        Refill(now);
        return _tokens >= 1 ? TimeSpan.Zero : TimeSpan.FromSeconds((1 - _tokens) / Rate);
    }

    private void Refill(DateTimeOffset now)
    {
        if (_at is { } last && now > last)
        {
            _tokens = Math.Min(Burst, _tokens + ((now - last).TotalSeconds * Rate));
        }

        _at = now;
    }
}

/// <summary>
/// Standard Webhooks signatures: <c>v1,&lt;base64 HMAC-SHA256 of "id.timestamp.body"&gt;</c>, keyed with the target's
/// secret (a <c>whsec_</c> secret is base64 after the prefix; any other is its UTF-8 bytes).
/// </summary>
public static class WebhookSignature
{
    public const string SecretPrefix = "whsec_";

    public static byte[] Key(string secret)
        => secret.StartsWith(SecretPrefix, StringComparison.Ordinal)
            ? Convert.FromBase64String(secret[SecretPrefix.Length..])
            : Encoding.UTF8.GetBytes(secret);

    /// <summary>Whether a <c>whsec_</c> secret decodes (a bad one is refused at start-up).</summary>
    public static bool IsUsable(string secret)
    {
        if (!secret.StartsWith(SecretPrefix, StringComparison.Ordinal))
        {
            return secret.Length > 0;
        }

        var buffer = new byte[secret.Length];
        return Convert.TryFromBase64String(secret[SecretPrefix.Length..], buffer, out var written) && written > 0;
    }

    public static string Sign(byte[] key, string id, long timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{id}.{timestamp}."));
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, signed));
    }

    /// <summary>What a receiver does: true when one of the space-separated <c>v1,</c> signatures matches (compared in constant time).</summary>
    public static bool Verify(byte[] key, string id, long timestamp, ReadOnlySpan<byte> body, string header)
    {
        var expected = Encoding.ASCII.GetBytes(Sign(key, id, timestamp, body));
        return header.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Any(candidate => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(candidate), expected));
    }
}
