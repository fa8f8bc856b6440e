namespace Grid.Streams;

/// <summary>
/// How long a message queued now would wait in one queue, estimated from successive measurements of the age of its
/// oldest waiting message. Between two measurements the head moves on by the enqueue time the consumers got through;
/// divided by the time that passed, that is the drain rate (1: keeping up; 0.2: a second of arrivals takes five
/// to apply). A message queued now waits for everything enqueued since the head, at that rate: head age ÷ rate.
/// </summary>
/// <remarks>
/// The head's age alone trails the backlog: when arrivals outrun the consumers fivefold, a head one second old has
/// five seconds of work behind it. Not thread-safe: one caller measures.
/// </remarks>
public sealed class QueueDrainEstimate
{
    /// <summary>How much of each new measurement of the rate goes into the estimate.</summary>
    private const double Weight = 0.5;

    /// <summary>The lowest rate used (a stalled queue): its wait is this many times the head's age.</summary>
    private const double SlowestRate = 0.05;

    private (TimeSpan Age, DateTimeOffset At)? _last;
    private double _rate = 1;

    /// <summary>The age of the oldest waiting message at the last measurement (zero when none waited).</summary>
    public TimeSpan HeadAge { get; private set; }

    /// <summary>The drain rate the estimate uses: enqueue time applied per second.</summary>
    public double Rate => _rate;

    /// <summary>How long a message queued at the last measurement would wait: at least the head's age.</summary>
    public TimeSpan Wait => _rate >= 1 ? HeadAge : HeadAge / Math.Max(SlowestRate, _rate);

    /// <summary>Takes a measurement: <paramref name="headAge"/> is null when nothing waits.</summary>
    public void Observe(TimeSpan? headAge, DateTimeOffset at)
    {
        if (headAge is not { } age)
        {
            // Empty: it kept up. The next backlog starts from a rate of 1 until it is measured.
            (_last, _rate, HeadAge) = (null, 1, TimeSpan.Zero);
            return;
        }

        if (_last is { } last && at > last.At)
        {
            var elapsed = (at - last.At).TotalSeconds;
            var progress = elapsed - (age - last.Age).TotalSeconds;
            var rate = Math.Max(0, progress / elapsed);
            _rate = (Weight * rate) + ((1 - Weight) * _rate);
        }

        _last = (age, at);
        HeadAge = age;
    }
}
