using Grid.Inventory;

namespace Grid.Gateway.Feed;

/// <summary>
/// The feed's entries above <see cref="Start"/> up to <see cref="Head"/>, in memory: the latest position of each
/// SKU-location only, so each is held once. Readers whose cursor is at or past <see cref="Start"/> are answered from
/// here without a database round trip, however many of them wait; waiters are woken together when the head moves.
/// </summary>
/// <remarks>
/// In dev mode it holds the whole feed (no capacity). In Postgres mode it is the tail the process has read, trimmed
/// from the oldest position once it holds <c>capacity</c> entries; a reader further behind reads PostgreSQL.
/// </remarks>
internal sealed class FeedWindow(long start, int capacity = int.MaxValue)
{
    private readonly Lock _gate = new();
    private readonly SortedSet<long> _positions = [];
    private readonly Dictionary<long, AvailabilitySnapshot> _byPosition = [];
    private readonly Dictionary<string, long> _positionOf = new(StringComparer.Ordinal);
    private TaskCompletionSource _moved = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _start = start;
    private long _head = start;

    public long Head
    {
        get
        {
            lock (_gate)
            {
                return _head;
            }
        }
    }

    public long Start
    {
        get
        {
            lock (_gate)
            {
                return _start;
            }
        }
    }

    /// <summary>Takes the next position for <paramref name="snapshot"/> and moves the head to it (dev mode: no gaps to wait for).</summary>
    public long AppendNext(AvailabilitySnapshot snapshot)
    {
        lock (_gate)
        {
            var position = _head + 1;
            Put(position, snapshot);
            MoveHead(position);
            return position;
        }
    }

    /// <summary>Adds entries read above the head, in position order, and moves the head to <paramref name="head"/>.</summary>
    public void Append(IReadOnlyList<FeedEntry> entries, long head)
    {
        lock (_gate)
        {
            foreach (var entry in entries)
            {
                if (entry.Position > _head)
                {
                    Put(entry.Position, entry.Snapshot);
                }
            }

            if (head > _head)
            {
                MoveHead(head);
            }
        }
    }

    /// <summary>The page after <paramref name="after"/>, or null when the window no longer holds what follows it.</summary>
    public FeedPage? TryRead(long after, FeedFilter filter, int limit)
    {
        lock (_gate)
        {
            if (after < _start)
            {
                return null;
            }

            if (after >= _head)
            {
                return new FeedPage([], after);
            }

            var entries = new List<FeedEntry>(Math.Min(limit, 64));
            foreach (var position in _positions.GetViewBetween(after + 1, _head))
            {
                var snapshot = _byPosition[position];
                if (!filter.Wants(snapshot))
                {
                    continue;
                }

                entries.Add(new FeedEntry(position, snapshot));
                if (entries.Count == limit)
                {
                    return new FeedPage(entries, position);
                }
            }

            return new FeedPage(entries, _head);
        }
    }

    /// <summary>Every entry the filter wants and the head they are as of; only meaningful when the window holds the whole feed.</summary>
    public (long Head, List<AvailabilitySnapshot> Snapshots) Everything(FeedFilter filter)
    {
        lock (_gate)
        {
            return (_head, [.. _positionOf.Values.Select(p => _byPosition[p]).Where(filter.Wants)]);
        }
    }

    public Task WaitAsync(long after, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return _head > after ? Task.CompletedTask : _moved.Task.WaitAsync(cancellationToken);
        }
    }

    private void Put(long position, AvailabilitySnapshot snapshot)
    {
        var key = Identifiers.SkuLocationKey(snapshot.Sku, snapshot.Location);
        if (_positionOf.Remove(key, out var previous))
        {
            _positions.Remove(previous);
            _byPosition.Remove(previous);
        }

        _positionOf[key] = position;
        _positions.Add(position);
        _byPosition[position] = snapshot;
        while (_positions.Count > capacity)
        {
            var oldest = _positions.Min;
            _positions.Remove(oldest);
            _positionOf.Remove(Identifiers.SkuLocationKey(_byPosition[oldest].Sku, _byPosition[oldest].Location));
            _byPosition.Remove(oldest);
            _start = oldest;
        }
    }

    private void MoveHead(long head)
    {
        _head = head;
        var moved = _moved;
        _moved = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        moved.TrySetResult();
    }
}
