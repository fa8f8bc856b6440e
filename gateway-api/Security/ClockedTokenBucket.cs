using System.Threading.RateLimiting;

namespace Grid.Gateway.Security;

/// <summary>
/// One client's token bucket, reading the time from a <see cref="TimeProvider"/> (the framework's
/// <see cref="TokenBucketRateLimiter"/> reads the machine's clock): it starts full with <paramref name="tokenLimit"/>
/// tokens and fills by <paramref name="tokensPerPeriod"/> each <paramref name="period"/>, up to the limit. A request
/// takes a token or is refused at once (no queue), with the whole periods until one is back as its retry-after.
/// </summary>
internal sealed class ClockedTokenBucket(TimeProvider clock, int tokenLimit, int tokensPerPeriod, TimeSpan period) : RateLimiter
{
    private static readonly RateLimitLease Granted = new Lease(true, null);

    private readonly Lock _gate = new();
    private double _tokens = tokenLimit;
    private long _filledAt = clock.GetTimestamp();
    private long? _fullSince = clock.GetTimestamp();
    private long _granted;
    private long _refused;

    /// <summary>How long the bucket has been full; the partitioned limiter drops a bucket idle for long.</summary>
    public override TimeSpan? IdleDuration
    {
        get
        {
            lock (_gate)
            {
                var now = Fill();
                return _fullSince is { } since ? clock.GetElapsedTime(since, now) : null;
            }
        }
    }

    public override RateLimiterStatistics? GetStatistics()
    {
        lock (_gate)
        {
            Fill();
            return new RateLimiterStatistics
            {
                CurrentAvailablePermits = (long)_tokens,
                CurrentQueuedCount = 0,
                TotalSuccessfulLeases = _granted,
                TotalFailedLeases = _refused,
            };
        }
    }

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(permitCount, tokenLimit);
        lock (_gate)
        {
            Fill();
            if (_tokens >= Math.Max(permitCount, 1))
            {
                if (permitCount > 0)
                {
                    _tokens -= permitCount;
                    _fullSince = null;
                }

                _granted++;
                return Granted;
            }

            _refused++;
            var periods = Math.Max(1, (int)Math.Ceiling((Math.Max(permitCount, 1) - _tokens) / tokensPerPeriod));
            return new Lease(false, period * periods);
        }
    }

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
        => ValueTask.FromResult(AttemptAcquireCore(permitCount));

    /// <summary>Adds the tokens earned since the last fill; returns the time it read.</summary>
    private long Fill()
    {
        var now = clock.GetTimestamp();
        if (_tokens < tokenLimit)
        {
            _tokens = Math.Min(tokenLimit, _tokens + (clock.GetElapsedTime(_filledAt, now).Ticks * (double)tokensPerPeriod / period.Ticks));
            if (_tokens >= tokenLimit)
            {
                _fullSince = now;
            }
        }

        _filledAt = now;
        return now;
    }

    private sealed class Lease(bool isAcquired, TimeSpan? retryAfter) : RateLimitLease
    {
        public override bool IsAcquired => isAcquired;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = retryAfter;
            return retryAfter is not null && metadataName == MetadataName.RetryAfter.Name;
        }
    }
}
