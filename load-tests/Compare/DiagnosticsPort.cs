using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;

namespace Grid.LoadTests.Compare;

/// <summary>What a full GC induced in another process found: the GC heap it left, or why there is no figure.</summary>
/// <param name="Problem">Why no GC could be induced (no diagnostics socket, the runtime refused); null when it ran.</param>
/// <param name="HeapBytes">
/// The GC heap right after the full GC: the sizes of generations 0, 1 and 2, the large and the pinned object heap, as
/// the runtime's GCHeapStats event gives them; null when the GC could not be induced or its events were not found.
/// </param>
/// <param name="HeapProblem">Why <paramref name="HeapBytes"/> is null although the GC ran.</param>
internal sealed record FullGcOutcome(string? Problem, long? HeapBytes, string? HeapProblem);

/// <summary>
/// A .NET process's diagnostics port (the Unix socket <c>$TMPDIR/dotnet-diagnostic-&lt;pid&gt;-*-socket</c> every .NET
/// process opens unless <c>DOTNET_EnableDiagnostics=0</c>), spoken to with the diagnostics IPC protocol of the .NET
/// runtime, as <c>dotnet-trace</c> and <c>dotnet-gcdump</c> do. Used for one thing: to make the process run a full,
/// blocking garbage collection and report the GC heap it leaves, so that memory can be measured without the garbage of
/// the moment, and without anything in the process itself.
/// </summary>
/// <remarks>
/// The runtime forces a full blocking GC when an EventPipe session enables its <c>Microsoft-Windows-DotNETRuntime</c>
/// provider with the GCHeapCollect keyword (0x800000); that is how <c>dotnet-gcdump</c> collects the heap. The session
/// also asks for the GC keyword (GCStart, GCHeapStats) at Informational level and no rundown; its short stream is read
/// until the session is stopped, and the GCHeapStats following the full GC's GCStart gives the heap.
/// </remarks>
internal static class DiagnosticsPort
{
    private const string RuntimeProvider = "Microsoft-Windows-DotNETRuntime";
    private const ulong GcKeyword = 0x1;
    private const ulong GcHeapCollectKeyword = 0x800000;
    private const int GcStartEventId = 1;
    private const int GcHeapStatsEventId = 4;
    private const uint InformationalLevel = 4;
    private const uint NetTraceFormat = 1;
    private const byte EventPipeCommandSet = 0x02;
    private const byte StopTracingCommand = 0x01;
    private const byte CollectTracing2Command = 0x03;
    private const byte ServerCommandSet = 0xFF;
    private const byte OkResponse = 0x00;
    private const int HeaderSize = 20;

    /// <summary>GCHeapStats: GenerationSize0..3, each followed by its TotalPromotedSize (8 bytes each).</summary>
    private static readonly int[] GenerationSizeOffsets = [0, 16, 32, 48];

    private static readonly byte[] Magic = Encoding.ASCII.GetBytes("DOTNET_IPC_V1\0");
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    /// <summary>How long the session stays open after the runtime accepted it, so that the GC it forces is in it.</summary>
    private static readonly TimeSpan SessionLength = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Makes process <paramref name="pid"/> run a full blocking GC and reads the GC heap it leaves. Never throws for the
    /// process's own failure: the outcome says what could not be done.
    /// </summary>
    public static async Task<FullGcOutcome> InduceFullGcAsync(int pid, CancellationToken cancellationToken)
    {
        var path = FindSocket(pid);
        if (path is null)
        {
            return new FullGcOutcome($"no diagnostics socket dotnet-diagnostic-{pid}-*-socket in {Path.GetTempPath()}", null, null);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        byte[] trace;
        try
        {
            using var session = await ConnectAsync(path, timeout.Token);
            await session.SendAsync(Message(EventPipeCommandSet, CollectTracing2Command, CollectTracing2Payload()), SocketFlags.None, timeout.Token);
            var (ok, payload) = await ReadResponseAsync(session, timeout.Token);
            if (!ok || payload.Length < 8)
            {
                var error = payload.Length >= 4 ? BinaryPrimitives.ReadUInt32LittleEndian(payload) : 0;
                return new FullGcOutcome($"the runtime refused the EventPipe session (error 0x{error:X8})", null, null);
            }

            // The stream runs until the session is stopped; read it meanwhile, or the runtime's writes would block.
            var sessionId = BinaryPrimitives.ReadUInt64LittleEndian(payload);
            var collect = CollectAsync(session, timeout.Token);
            await Task.Delay(SessionLength, timeout.Token);
            using (var stop = await ConnectAsync(path, timeout.Token))
            {
                var stopPayload = new byte[8];
                BinaryPrimitives.WriteUInt64LittleEndian(stopPayload, sessionId);
                await stop.SendAsync(Message(EventPipeCommandSet, StopTracingCommand, stopPayload), SocketFlags.None, timeout.Token);
                await ReadResponseAsync(stop, timeout.Token);
            }

            trace = await collect;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new FullGcOutcome($"the diagnostics port did not answer within {Timeout.TotalSeconds:0} s", null, null);
        }
        catch (Exception ex) when (ex is SocketException or IOException or InvalidDataException)
        {
            return new FullGcOutcome($"diagnostics port {path}: {ex.Message}", null, null);
        }

        try
        {
            var (heap, problem) = HeapAfterFullGc(NetTrace.ReadEvents(trace));
            return new FullGcOutcome(null, heap, problem);
        }
        catch (InvalidDataException ex)
        {
            return new FullGcOutcome(null, null, $"the session's events could not be read ({trace.Length} bytes): {ex.Message}");
        }
    }

    /// <summary>The generation sizes of the first GCHeapStats after the first GCStart of a generation-2 GC, in time.</summary>
    private static (long? Heap, string? Problem) HeapAfterFullGc(List<TraceEvent> events)
    {
        var runtime = events.Where(e => e.Provider == RuntimeProvider).OrderBy(e => e.Timestamp).ToList();
        var fullGc = runtime.FindIndex(e => e.EventId == GcStartEventId && e.Payload.Length >= 8 && BinaryPrimitives.ReadUInt32LittleEndian(e.Payload.Span[4..]) == 2);
        if (fullGc < 0)
        {
            return (null, $"no generation-2 GCStart among the session's {events.Count} event(s)");
        }

        var stats = runtime.Skip(fullGc + 1).FirstOrDefault(e => e.EventId == GcHeapStatsEventId);
        if (stats.Payload.Length < 56)
        {
            return (null, "no GCHeapStats event after the full GC's GCStart");
        }

        // GenerationSize0..3 at 0, 16, 32, 48 (each followed by its TotalPromotedSize); GenerationSize4 (POH) at 94 in version 2.
        var span = stats.Payload.Span;
        long heap = 0;
        foreach (var offset in GenerationSizeOffsets)
        {
            heap += BinaryPrimitives.ReadInt64LittleEndian(span[offset..]);
        }

        if (span.Length >= 102)
        {
            heap += BinaryPrimitives.ReadInt64LittleEndian(span[94..]);
        }

        return (heap, null);
    }

    private static string? FindSocket(int pid)
    {
        try
        {
            return new DirectoryInfo(Path.GetTempPath())
                .EnumerateFiles($"dotnet-diagnostic-{pid}-*-socket")
                .OrderByDescending(f => f.LastWriteTimeUtc)
                .Select(f => f.FullName)
                .FirstOrDefault();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static async Task<Socket> ConnectAsync(string path, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>circularBufferMB, format, requestRundown, providers: [keywords, level, name, filter].</summary>
    private static byte[] CollectTracing2Payload()
    {
        using var buffer = new MemoryStream();
        WriteUInt32(buffer, 16);
        WriteUInt32(buffer, NetTraceFormat);
        buffer.WriteByte(0); // no rundown
        WriteUInt32(buffer, 1); // one provider
        Span<byte> keywords = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(keywords, GcKeyword | GcHeapCollectKeyword);
        buffer.Write(keywords);
        WriteUInt32(buffer, InformationalLevel);
        WriteString(buffer, RuntimeProvider);
        WriteUInt32(buffer, 0); // no filter data
        return buffer.ToArray();
    }

    private static byte[] Message(byte commandSet, byte commandId, byte[] payload)
    {
        var message = new byte[HeaderSize + payload.Length];
        Magic.CopyTo(message, 0);
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(14), checked((ushort)message.Length));
        message[16] = commandSet;
        message[17] = commandId;
        payload.CopyTo(message, HeaderSize);
        return message;
    }

    private static async Task<(bool Ok, byte[] Payload)> ReadResponseAsync(Socket socket, CancellationToken cancellationToken)
    {
        var header = new byte[HeaderSize];
        await ReadExactlyAsync(socket, header, cancellationToken);
        if (!header.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            throw new InvalidDataException("the answer does not start with the diagnostics IPC magic");
        }

        var size = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(14));
        var payload = new byte[Math.Max(0, size - HeaderSize)];
        await ReadExactlyAsync(socket, payload, cancellationToken);
        return (header[16] == ServerCommandSet && header[17] == OkResponse, payload);
    }

    private static async Task ReadExactlyAsync(Socket socket, byte[] buffer, CancellationToken cancellationToken)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, cancellationToken);
            if (n == 0)
            {
                throw new InvalidDataException("the diagnostics port closed the connection mid-answer");
            }

            read += n;
        }
    }

    /// <summary>Reads the session's stream to its end (the runtime closes it once the session is stopped).</summary>
    private static async Task<byte[]> CollectAsync(Socket socket, CancellationToken cancellationToken)
    {
        using var trace = new MemoryStream();
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken)) > 0)
        {
            trace.Write(buffer, 0, read);
        }

        return trace.ToArray();
    }

    private static void WriteUInt32(Stream stream, uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        stream.Write(bytes);
    }

    /// <summary>Length in UTF-16 code units including the terminating NUL, then the UTF-16LE text and the NUL.</summary>
    private static void WriteString(Stream stream, string text)
    {
        WriteUInt32(stream, (uint)(text.Length + 1));
        stream.Write(Encoding.Unicode.GetBytes(text + "\0"));
    }
}
