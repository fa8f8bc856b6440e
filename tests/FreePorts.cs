using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Grid.Tests;

internal static class FreePorts
{
    private static readonly ConcurrentDictionary<int, bool> HandedOut = new();

    /// <summary>
    /// A TCP port on loopback that nothing listens on right now and that no earlier call in this test run returned:
    /// the kernel may hand the same ephemeral port to two binds in a row once the first is closed, and a silo asked
    /// to use one port twice refuses to start.
    /// </summary>
    public static int Next()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            if (HandedOut.TryAdd(port, true))
            {
                return port;
            }
        }
    }
}
