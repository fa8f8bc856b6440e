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

    /// <summary>
    /// Every entry put since the last compaction, in position order (each is above the head when put); those a later
    /// change of their SKU-location superseded are marked dead, those before <see cref="_first"/> trimmed.
    /// </summary>
    private readonly List<Slot> _slots = [];

    private readonly Dictionary<string, Slot> _live = new(StringComparer.Ordinal);
    private TaskCompletionSource _moved = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _first;
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
            for (var i = FirstAfter(after); i < _slots.Count; i++)
            {
                var slot = _slots[i];
                if (slot.Dead || !filter.Wants(slot.Snapshot))
                {
                    continue;
                }

                entries.Add(new FeedEntry(slot.Position, slot.Snapshot));
                if (entries.Count == limit)
                {
                    return new FeedPage(entries, slot.Position);
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
            return (_head, [.. _live.Values.Select(s => s.Snapshot).Where(filter.Wants)]);
        }
    }

    public Task WaitAsync(long after, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return _head > after ? Task.CompletedTask : _moved.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>The index of the first slot above <paramref name="after"/> (slots are in position order).</summary>
    private int FirstAfter(long after)
    {
        var (low, high) = (_first, _slots.Count);
        while (low < high)
        {
            var middle = low + ((high - low) / 2);
            if (_slots[middle].Position <= after)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }

    /// <summary>Appends a SKU-location's latest entry (above every slot) and marks its earlier one dead.</summary>
    private void Put(long position, AvailabilitySnapshot snapshot)
    {
        var slot = new Slot(position, snapshot);
        var key = Identifiers.SkuLocationKey(snapshot.Sku, snapshot.Location);
        if (_live.TryGetValue(key, out var previous))
        {
            previous.Dead = true;
        }

        _live[key] = slot;
        _slots.Add(slot);
        while (_live.Count > capacity)
        {
            var oldest = _slots[_first++];
            if (!oldest.Dead)
            {
                oldest.Dead = true;
                _live.Remove(Identifiers.SkuLocationKey(oldest.Snapshot.Sku, oldest.Snapshot.Location));
                _start = oldest.Position;
            }
        }

        // Dead slots are dropped once they outnumber the live ones: each slot is copied a bounded number of times.
        if (_slots.Count - _first > (2 * _live.Count) + 1024)
        {
            _slots.RemoveRange(0, _first);
            _slots.RemoveAll(s => s.Dead);
            _first = 0;
        }
    }

    private void MoveHead(long head)
    {
        _head = head;
        var moved = _moved;
        _moved = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        moved.TrySetResult();
    }

    /// <summary>One entry: a position and the snapshot written at it, dead once the SKU-location moved on.</summary>
    private sealed class Slot(long position, AvailabilitySnapshot snapshot)
    {
        public long Position { get; } = position;

        public AvailabilitySnapshot Snapshot { get; } = snapshot;

        public bool Dead { get; set; }
    }
}
