using System.Diagnostics;

namespace Grid.Tests;

/// <summary>
/// For effects that happen after an acknowledgement (queued events being applied): checks a condition until it holds or
/// a generous deadline passes, then fails naming what it waited for. The deadline is a bound, not an expectation.
/// </summary>
internal static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    public static async Task ThatAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = Stopwatch.StartNew();
        var limit = timeout ?? DefaultTimeout;
        var pause = TimeSpan.FromMilliseconds(5);
        while (!await condition())
        {
            if (deadline.Elapsed > limit)
            {
                Assert.Fail($"Waited {limit.TotalSeconds:0} s for {what}.");
            }

            await Task.Delay(pause);
            pause = TimeSpan.FromMilliseconds(Math.Min(pause.TotalMilliseconds * 2, 200));
        }
    }

    /// <summary>
    /// Reads until <paramref name="done"/> holds for what <paramref name="read"/> answers, and returns that; fails at the
    /// deadline naming <paramref name="what"/> and the last value read. For effects that happen on their own (a timer, a
    /// reminder, a one-way push): read again at once, never after a fixed sleep that hides the cause.
    /// </summary>
    public static async Task<T> ReadAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what = "the expected value", TimeSpan? timeout = null)
    {
        var value = default(T)!;
        try
        {
            await ThatAsync(async () => done(value = await read()), what, timeout);
        }
        catch (Xunit.Sdk.FailException)
        {
            Assert.Fail($"Waited {(timeout ?? DefaultTimeout).TotalSeconds:0} s for {what}; the last value read was {value}.");
        }

        return value;
    }

    /// <summary>Waits until <paramref name="probe"/> answers a value, and returns it.</summary>
    public static async Task<T> ValueAsync<T>(Func<T?> probe, string what, TimeSpan? timeout = null)
        where T : struct
    {
        T? value = null;
        await ThatAsync(() => Task.FromResult((value = probe()) is not null), what, timeout);
        return value!.Value;
    }
}
