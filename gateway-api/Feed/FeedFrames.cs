using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Grid.Gateway.Apis;
using Grid.Inventory;

namespace Grid.Gateway.Feed;

/// <summary>
/// The Server-Sent Events frame of a feed entry (<c>id</c>, <c>event: availability</c>, <c>data</c>), rendered once per
/// entry and channel and shared by every stream that sends it: a change that reaches a thousand subscribers is turned
/// into JSON once, not a thousand times. A frame depends only on the entry and the channel (staleness, which moves with
/// the clock, is not part of a feed item), so sharing it changes no byte a subscriber gets.
/// </summary>
/// <remarks>
/// Frames hang off the entry's snapshot, which the tail window holds once for all its readers, and go with it: nothing
/// to trim. Channels other than the default are kept up to <see cref="ChannelsKept"/> per entry; a rarer one is rendered
/// for its reader alone.
/// </remarks>
internal static class FeedFrames
{
    public const int ChannelsKept = 8;

    private static readonly ConditionalWeakTable<AvailabilitySnapshot, Rendered> Cache = [];

    public static byte[] Availability(string epoch, FeedEntry entry, string? channel, JsonSerializerOptions json, DateTimeOffset now)
    {
        var rendered = Cache.GetValue(entry.Snapshot, static _ => new Rendered());
        return rendered.Get(entry.Position, channel) ?? rendered.Keep(entry.Position, channel, Render(epoch, entry, channel, json, now));
    }

    private static byte[] Render(string epoch, FeedEntry entry, string? channel, JsonSerializerOptions json, DateTimeOffset now)
    {
        var cursor = FeedCursor.Format(epoch, entry.Position);
        var data = JsonSerializer.SerializeToUtf8Bytes(AvailabilityChange.From(cursor, entry.Snapshot, channel, now), json);
        var head = Encoding.UTF8.GetBytes($"id: {cursor}\nevent: availability\ndata: ");
        var frame = new byte[head.Length + data.Length + 2];
        head.CopyTo(frame, 0);
        data.CopyTo(frame, head.Length);
        frame[^2] = (byte)'\n';
        frame[^1] = (byte)'\n';
        return frame;
    }

    /// <summary>One snapshot's frames. A snapshot is held at one position; one met at another is rendered again.</summary>
    private sealed class Rendered
    {
        private readonly Lock _gate = new();
        private long _position = -1;
        private byte[]? _default;
        private Dictionary<string, byte[]>? _byChannel;

        public byte[]? Get(long position, string? channel)
        {
            lock (_gate)
            {
                if (position != _position)
                {
                    return null;
                }

                return channel is null ? _default : _byChannel?.GetValueOrDefault(channel);
            }
        }

        public byte[] Keep(long position, string? channel, byte[] frame)
        {
            lock (_gate)
            {
                if (position != _position)
                {
                    (_position, _default, _byChannel) = (position, null, null);
                }

                if (channel is null)
                {
                    _default ??= frame;
                    return _default;
                }

                _byChannel ??= new Dictionary<string, byte[]>(StringComparer.Ordinal);
                if (_byChannel.TryGetValue(channel, out var kept))
                {
                    return kept;
                }

                if (_byChannel.Count < ChannelsKept)
                {
                    _byChannel[channel] = frame;
                }

                return frame;
            }
        }
    }
}
