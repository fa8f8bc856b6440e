using System.Buffers.Binary;
using System.Text;

namespace Grid.LoadTests.Compare;

/// <summary>
/// One event of an EventPipe stream: who wrote it, which event (and version) it is, when (QPC ticks) and its payload.
/// A stream is ordered by thread buffer, not by time: order events by <see cref="Timestamp"/> to follow a sequence.
/// </summary>
internal readonly record struct TraceEvent(string Provider, int EventId, int Version, long Timestamp, ReadOnlyMemory<byte> Payload);

/// <summary>
/// A minimal reader of the EventPipe <c>nettrace</c> stream format (as documented with PerfView's TraceEvent,
/// EventPipeFormat.md): the stream header, the Trace object, and the events of its EventBlocks, named through its
/// MetadataBlocks. Stack and sequence-point blocks are skipped. Enough to pick a few runtime events out of a short session.
/// </summary>
internal static class NetTrace
{
    private const byte NullReference = 1;
    private const byte BeginPrivateObject = 5;
    private const byte EndObject = 6;

    /// <summary>SyncTimeUTC (8 shorts), SyncTimeQPC, QPCFrequency, PointerSize, ProcessId, NumberOfProcessors, ExpectedCPUSamplingRate.</summary>
    private const int TraceObjectSize = 16 + 8 + 8 + 4 + 4 + 4 + 4;

    /// <summary>The events of a whole stream, in stream order; throws <see cref="InvalidDataException"/> if it is not one.</summary>
    public static List<TraceEvent> ReadEvents(byte[] stream)
    {
        var reader = new Reader(stream, 0);
        if (!reader.Bytes(8).SequenceEqual("Nettrace"u8))
        {
            throw new InvalidDataException("not a nettrace stream (no 'Nettrace' magic)");
        }

        reader.Skip(reader.Int32()); // "!FastSerialization.1"
        var metadata = new Dictionary<int, (string Provider, int EventId, int Version)>();
        var events = new List<TraceEvent>();
        while (reader.Remaining > 0)
        {
            var tag = reader.Byte();
            if (tag == NullReference)
            {
                break; // end of stream
            }

            reader.Expect(tag, BeginPrivateObject);
            reader.Expect(reader.Byte(), BeginPrivateObject);
            reader.Expect(reader.Byte(), NullReference);
            reader.Int32(); // version
            reader.Int32(); // minimum reader version
            var typeName = Encoding.UTF8.GetString(reader.Bytes(reader.Int32()));
            reader.Expect(reader.Byte(), EndObject);

            if (typeName == "Trace")
            {
                reader.Skip(TraceObjectSize);
            }
            else
            {
                var size = reader.Int32();
                reader.AlignTo(4);
                var blockStart = reader.Position;
                reader.Skip(size);
                if (typeName is "EventBlock" or "MetadataBlock")
                {
                    ReadBlock(stream, blockStart, size, typeName == "MetadataBlock", metadata, events);
                }
            }

            reader.Expect(reader.Byte(), EndObject);
        }

        return events;
    }

    private static void ReadBlock(
        byte[] stream, int start, int size, bool isMetadata, Dictionary<int, (string Provider, int EventId, int Version)> metadata, List<TraceEvent> events)
    {
        var reader = new Reader(stream, start);
        var end = start + size;
        var headerSize = reader.Int16();
        var compressed = (reader.Int16() & 1) != 0;
        reader.Seek(start + headerSize);

        // Header compression carries each field over from the previous event of the same block.
        var metadataId = 0;
        var payloadSize = 0;
        long timestamp = 0;
        while (reader.Position < end)
        {
            ReadOnlyMemory<byte> payload;
            if (compressed)
            {
                var flags = reader.Byte();
                if ((flags & 1) != 0)
                {
                    metadataId = (int)reader.VarUInt32();
                }

                if ((flags & 2) != 0)
                {
                    reader.VarUInt32(); // sequence number delta
                    reader.VarUInt64(); // capture thread id
                    reader.VarUInt32(); // processor number
                }

                if ((flags & 4) != 0)
                {
                    reader.VarUInt64(); // thread id
                }

                if ((flags & 8) != 0)
                {
                    reader.VarUInt32(); // stack id
                }

                timestamp += (long)reader.VarUInt64();
                if ((flags & 16) != 0)
                {
                    reader.Skip(16); // activity id
                }

                if ((flags & 32) != 0)
                {
                    reader.Skip(16); // related activity id
                }

                if ((flags & 128) != 0)
                {
                    payloadSize = (int)reader.VarUInt32();
                }

                payload = reader.Memory(payloadSize);
            }
            else
            {
                var eventSize = reader.Int32();
                var eventEnd = reader.Position + eventSize;
                metadataId = reader.Int32() & 0x7FFFFFFF;
                reader.Skip(4 + 8 + 8 + 4 + 4); // sequence, thread, capture thread, processor, stack
                timestamp = reader.Int64();
                reader.Skip(16 + 16); // activity ids
                payload = reader.Memory(reader.Int32());
                reader.Seek(eventEnd);
                reader.AlignTo(4);
            }

            if (isMetadata)
            {
                var m = new Reader(payload);
                var id = m.Int32();
                var provider = m.Utf16String();
                var eventId = m.Int32();
                m.Utf16String(); // event name
                m.Int64(); // keywords
                var version = m.Int32();
                metadata[id] = (provider, eventId, version);
            }
            else if (metadata.TryGetValue(metadataId, out var known))
            {
                events.Add(new TraceEvent(known.Provider, known.EventId, known.Version, timestamp, payload));
            }
        }
    }

    /// <summary>Little-endian reads over a byte array, failing with <see cref="InvalidDataException"/> past its end.</summary>
    private sealed class Reader
    {
        private readonly ReadOnlyMemory<byte> _data;

        public Reader(byte[] data, int position)
        {
            _data = data;
            Position = position;
        }

        public Reader(ReadOnlyMemory<byte> data)
        {
            _data = data;
        }

        public int Position { get; private set; }

        public int Remaining => _data.Length - Position;

        public void Seek(int position) => Position = position <= _data.Length ? position : throw Truncated();

        public void Skip(int count) => Seek(checked(Position + count));

        public void AlignTo(int alignment) => Seek((Position + alignment - 1) / alignment * alignment);

        public void Expect(byte actual, byte expected)
        {
            if (actual != expected)
            {
                throw new InvalidDataException($"nettrace: expected tag {expected} at offset {Position - 1}, found {actual}");
            }
        }

        public byte Byte() => Span(1)[0];

        public short Int16() => BinaryPrimitives.ReadInt16LittleEndian(Span(2));

        public int Int32() => BinaryPrimitives.ReadInt32LittleEndian(Span(4));

        public long Int64() => BinaryPrimitives.ReadInt64LittleEndian(Span(8));

        public ReadOnlySpan<byte> Bytes(int count) => Span(count);

        public ReadOnlyMemory<byte> Memory(int count)
        {
            var memory = count >= 0 && count <= Remaining ? _data.Slice(Position, count) : throw Truncated();
            Position += count;
            return memory;
        }

        public uint VarUInt32() => (uint)VarUInt64();

        public ulong VarUInt64()
        {
            ulong value = 0;
            for (var shift = 0; shift < 70; shift += 7)
            {
                var b = Byte();
                value |= (ulong)(b & 0x7F) << shift;
                if ((b & 0x80) == 0)
                {
                    return value;
                }
            }

            throw new InvalidDataException("nettrace: a variable-length integer runs over 10 bytes");
        }

        /// <summary>A NUL-terminated UTF-16LE string.</summary>
        public string Utf16String()
        {
            var text = new StringBuilder();
            while (true)
            {
                var unit = (char)BinaryPrimitives.ReadUInt16LittleEndian(Span(2));
                if (unit == '\0')
                {
                    return text.ToString();
                }

                text.Append(unit);
            }
        }

        private ReadOnlySpan<byte> Span(int count)
        {
            var span = count <= Remaining ? _data.Span.Slice(Position, count) : throw Truncated();
            Position += count;
            return span;
        }

        private InvalidDataException Truncated() => new($"nettrace: the stream ends early (offset {Position} of {_data.Length})");
    }
}
