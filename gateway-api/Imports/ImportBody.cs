using System.Collections.Immutable;
using System.Text;
using Grid.Imports;

namespace Grid.Gateway.Imports;

/// <summary>
/// Reads an import body line by line and stores its valid lines in chunks (<see cref="IImportChunkGrain"/>), a few
/// chunks in flight at once, so that a body of a million lines is never whole in memory. Lines refused on reading are
/// kept as line errors (the first <see cref="ImportKeys.MaxKeptErrors"/>) and counted.
/// </summary>
internal sealed class ImportBody(IGrainFactory grains, string importId, ImportLines lines, int chunkLines)
{
    private const int ChunksInFlight = 4;

    private readonly Queue<Task> _stores = new();
    private readonly List<ImportLineError> _rejected = [];
    private List<ImportItem> _chunk = [];
    private int _chunks;
    private int _rejectedCount;
    private int _total;

    /// <summary>
    /// The import to start, or a problem with the body as a whole (nothing of it is then started). When reading or
    /// storing fails (a body over the limit, a silo that did not answer), the chunks stored so far are cleared, as far as
    /// they can be, and the failure goes on to the caller.
    /// </summary>
    public async Task<(ImportStart? Start, string? Problem)> ReadAsync(Stream body, ImportKind kind, bool csv, CancellationToken cancellationToken)
    {
        try
        {
            return await ReadLinesAsync(body, kind, csv, cancellationToken);
        }
        catch
        {
            await ForgetAsync();
            throw;
        }
    }

    private async Task ForgetAsync()
    {
        await Task.WhenAll(_stores.Select(store => store.ContinueWith(static _ => { }, TaskScheduler.Default)));
        await Task.WhenAll(Enumerable.Range(0, _chunks).Select(async chunk =>
        {
            try
            {
                await grains.GetGrain<IImportChunkGrain>(ImportKeys.Chunk(importId, chunk)).Clear();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Best effort: a chunk no import names is never read.
            }
        }));
    }

    private async Task<(ImportStart? Start, string? Problem)> ReadLinesAsync(Stream body, ImportKind kind, bool csv, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(body, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 64 * 1024);
        ImportCsv? header = null;
        var number = 0;
        while (await reader.ReadLineAsync(cancellationToken) is { } text)
        {
            number++;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            if (csv && header is null)
            {
                var (read, problem) = ImportCsv.FromHeader(kind, text);
                if (read is null)
                {
                    return (null, problem);
                }

                header = read;
                continue;
            }

            _total++;
            RawLine line;
            if (header is null)
            {
                line = new RawLine(number, text, null);
            }
            else if (header.Row(text) is { } row)
            {
                line = new RawLine(number, null, row);
            }
            else
            {
                Reject(new ImportLineError(number, null, "The CSV record has an unterminated quoted field or more cells than the header names."));
                continue;
            }

            var (item, error) = lines.Read(line);
            if (item is null)
            {
                Reject(error!);
                continue;
            }

            _chunk.Add(item);
            if (_chunk.Count == chunkLines)
            {
                await FlushAsync();
            }
        }

        if (_total == 0)
        {
            return (null, csv && header is null ? "The body is empty: a CSV import starts with a header row." : "The body holds no lines.");
        }

        if (_chunk.Count > 0)
        {
            await FlushAsync();
        }

        await Task.WhenAll(_stores);
        return (new ImportStart(kind, _total, _chunks, _rejectedCount, [.. _rejected], csv ? "csv" : "ndjson"), null);
    }

    private void Reject(ImportLineError error)
    {
        _rejectedCount++;
        if (_rejected.Count < ImportKeys.MaxKeptErrors)
        {
            _rejected.Add(error);
        }
    }

    private async Task FlushAsync()
    {
        if (_stores.Count == ChunksInFlight)
        {
            await _stores.Dequeue();
        }

        var items = _chunk.ToImmutableArray();
        _chunk = new List<ImportItem>(items.Length);
        _stores.Enqueue(grains.GetGrain<IImportChunkGrain>(ImportKeys.Chunk(importId, _chunks++)).Store(items));
    }
}
