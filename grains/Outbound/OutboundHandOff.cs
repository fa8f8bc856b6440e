using System.Collections.Immutable;
using Grid.Postgres;

namespace Grid.Outbound;

/// <summary>
/// The availability hand-offs of every SKU-location on this silo, gathered per publisher: while a call to a
/// publisher is out, the events that arrive for it wait and go together in its next call. Under load a publisher
/// thus takes one call (one turn, one group-committed write) for many SKU-locations' changes instead of one call
/// each; when the silo is quiet an event goes out alone at once.
/// </summary>
/// <remarks>
/// A caller is answered once the call that carried its event has been answered, with that call's result, so a
/// SKU-location still marks its change handed only after its publisher has it durably. Events of one SKU-location
/// keep their order: it hands over one change at a time.
/// </remarks>
public sealed class OutboundHandOff : IAsyncDisposable
{
    /// <summary>At most this many events go to a publisher in one call.</summary>
    public const int MaxBatch = 256;

    private readonly Func<string, ImmutableArray<OutboundEvent>, Task<AcceptResult>> _accept;
    private readonly Dictionary<(string Target, int Partition), RoundTripBatcher<OutboundEvent, AcceptResult>> _publishers = [];
    private readonly Lock _gate = new();

    public OutboundHandOff(IGrainFactory grains)
        : this((key, events) => grains.Ref<IOutboundPublisherGrain>(key).Accept(events))
    {
    }

    /// <summary>For specs: <paramref name="accept"/> stands for the call to the publisher of a key.</summary>
    public OutboundHandOff(Func<string, ImmutableArray<OutboundEvent>, Task<AcceptResult>> accept) => _accept = accept;

    /// <summary>Completes when the publisher of <paramref name="target"/> and <paramref name="partition"/> has accepted the event.</summary>
    public Task<AcceptResult> AcceptAsync(string target, int partition, OutboundEvent e) => PublisherOf(target, partition).SubmitAsync(e);

    public async ValueTask DisposeAsync()
    {
        List<RoundTripBatcher<OutboundEvent, AcceptResult>> publishers;
        lock (_gate)
        {
            publishers = [.. _publishers.Values];
            _publishers.Clear();
        }

        foreach (var publisher in publishers)
        {
            await publisher.DisposeAsync();
        }
    }

    private RoundTripBatcher<OutboundEvent, AcceptResult> PublisherOf(string target, int partition)
    {
        lock (_gate)
        {
            if (!_publishers.TryGetValue((target, partition), out var publisher))
            {
                var key = OutboundRouter.PublisherKey(target, partition);
                publisher = new RoundTripBatcher<OutboundEvent, AcceptResult>(
                    async events =>
                    {
                        var result = await _accept(key, [.. events]);
                        return [.. Enumerable.Repeat(result, events.Count)];
                    },
                    concurrency: 1,
                    MaxBatch);
                _publishers.Add((target, partition), publisher);
            }

            return publisher;
        }
    }
}
