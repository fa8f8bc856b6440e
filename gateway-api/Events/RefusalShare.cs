namespace Grid.Gateway.Events;

/// <summary>
/// Refuses a given share of the batches that ask, spread evenly rather than at random: each batch adds the share it
/// is asked to refuse to what is owed, and a batch is refused whenever a whole refusal is owed. A share of 0.25 refuses
/// every fourth batch; a share that changes from batch to batch is honoured on average.
/// </summary>
public sealed class RefusalShare
{
    private readonly Lock _gate = new();
    private double _owed;

    /// <summary>Whether this batch is refused, <paramref name="share"/> (0 to 1) being the share to refuse now.</summary>
    public bool Refuses(double share)
    {
        lock (_gate)
        {
            _owed += Math.Clamp(share, 0, 1);
            if (_owed < 1)
            {
                return false;
            }

            _owed -= 1;
            return true;
        }
    }

    /// <summary>Forgets what is owed: the lag fell below the point from which batches are refused.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _owed = 0;
        }
    }
}
