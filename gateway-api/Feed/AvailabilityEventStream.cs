using System.Buffers;
using System.Globalization;
using Grid.Inventory;
using System.Text;
using System.Text.Json;
using Grid.Gateway.Apis;

namespace Grid.Gateway.Feed;

/// <summary>
/// Writes the availability feed to one Server-Sent Events response until the client goes: an <c>availability</c>
/// event per change (its cursor as the event id), a <c>bookmark</c> event when the filter left changes out and the
/// cursor moved, and a comment every <see cref="KeepAlive"/> so that proxies keep a quiet stream open.
/// </summary>
internal sealed class AvailabilityEventStream(
    HttpResponse response, IAvailabilityFeed feed, TimeProvider clock, JsonSerializerOptions json, string epoch, FeedRequest request)
{
    public static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    public const int RetryMilliseconds = 5000;

    private const int PageSize = 500;

    public async Task RunAsync(CancellationToken aborted)
    {
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        await WriteAsync($"retry: {RetryMilliseconds.ToString(CultureInfo.InvariantCulture)}\n\n", aborted);

        var position = request.After;
        var sent = position;
        var wroteAt = clock.GetUtcNow();
        try
        {
            while (!aborted.IsCancellationRequested)
            {
                var page = await feed.ReadAsync(position, request.Filter, PageSize, aborted);
                if (page.Entries.Count > 0)
                {
                    var now = clock.GetUtcNow();
                    var body = response.BodyWriter;
                    foreach (var entry in page.Entries)
                    {
                        body.Write(FeedFrames.Availability(epoch, entry, request.Channel, json, now));
                    }

                    await body.FlushAsync(aborted);
                    sent = page.Entries[^1].Position;
                    wroteAt = now;
                }

                position = page.Next;
                if (position > sent && clock.GetUtcNow() - wroteAt >= KeepAlive)
                {
                    // Changes keep coming, none the filter wants: move the client's Last-Event-ID past them now and then.
                    (sent, wroteAt) = (position, await BookmarkAsync(position, aborted));
                }

                if (page.Entries.Count == PageSize)
                {
                    continue;
                }

                using var quiet = new CancellationTokenSource(KeepAlive, clock);
                if (!await AvailabilityFeedApi.WaitAsync(feed, position, quiet.Token, aborted))
                {
                    // Quiet for a while: move the client's Last-Event-ID past what the filter left out, or just keep the line open.
                    if (position > sent)
                    {
                        (sent, wroteAt) = (position, await BookmarkAsync(position, aborted));
                    }
                    else
                    {
                        await WriteAsync(": keep-alive\n\n", aborted);
                        wroteAt = clock.GetUtcNow();
                    }
                }
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The client went away.
        }
    }

    private async Task<DateTimeOffset> BookmarkAsync(long position, CancellationToken cancellationToken)
    {
        var cursor = FeedCursor.Format(epoch, position);
        await WriteAsync($"id: {cursor}\nevent: bookmark\ndata: {{\"cursor\":\"{cursor}\"}}\n\n", cancellationToken);
        return clock.GetUtcNow();
    }

    private async Task WriteAsync(string text, CancellationToken cancellationToken)
    {
        Encoding.UTF8.GetBytes(text, response.BodyWriter);
        await response.BodyWriter.FlushAsync(cancellationToken);
    }
}
