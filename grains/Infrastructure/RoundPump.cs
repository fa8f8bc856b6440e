namespace Grid.Infrastructure;

/// <summary>
/// Runs a grain's rounds of work one pass at a time: a round is run again while it did something, and a start asked
/// for while a pass runs makes that pass go round once more instead of starting a second one. For reentrant grains,
/// whose callers and timers may ask at any await.
/// </summary>
public sealed class RoundPump(Func<Task<bool>> round)
{
    private bool _running;
    private bool _again;

    /// <summary>
    /// Runs rounds until one does nothing and no start came meanwhile; false at once when a pass is already running
    /// (it goes round again).
    /// </summary>
    public async Task<bool> RunAsync()
    {
        if (_running)
        {
            _again = true;
            return false;
        }

        _running = true;
        try
        {
            do
            {
                _again = false;
                while (await round())
                {
                }
            }
            while (_again);
        }
        finally
        {
            _running = false;
        }

        return true;
    }
}
