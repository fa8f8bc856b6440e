using System.Buffers.Text;
using Orleans.Configuration;
using Orleans.Streams;

namespace Grid.Streams;

/// <summary>
/// Maps a partition stream (key <c>#n</c>) to queue <c>n</c>, so that each queue carries exactly one partition and its
/// consumer receives whole backlogs; every other stream is placed on the hash ring as Orleans would.
/// </summary>
internal sealed class PartitionedStreamQueueMapper(HashRingBasedStreamQueueMapper ring) : IConsistentRingStreamQueueMapper
{
    public static PartitionedStreamQueueMapper Create(HashRingStreamQueueMapperOptions options, string providerName)
        => new(new HashRingBasedStreamQueueMapper(options, providerName));

    private readonly QueueId[] _byNumber = [.. ring.GetAllQueues().OrderBy(q => q.GetNumericId())];

    public IEnumerable<QueueId> GetAllQueues() => ring.GetAllQueues();

    public IEnumerable<QueueId> GetQueuesForRange(IRingRange range) => ring.GetQueuesForRange(range);

    public QueueId GetQueueForStream(StreamId streamId)
        => TryGetPartition(streamId.Key.Span, out var partition)
            ? _byNumber[partition % _byNumber.Length]
            : ring.GetQueueForStream(streamId);

    private static bool TryGetPartition(ReadOnlySpan<byte> key, out int partition)
    {
        partition = 0;
        return key.Length > 1
            && key[0] == (byte)'#'
            && Utf8Parser.TryParse(key[1..], out partition, out var consumed)
            && consumed == key.Length - 1
            && partition >= 0;
    }
}
