using System.Collections.Concurrent;
using System.Globalization;
using Grid.Domain.Outbound;
using Orleans.Storage;

namespace Grid.Silo.Storage;

/// <summary>
/// The dev-mode twin of <see cref="PostgresPublisherStorage"/>: the same rows and version check, kept in this process's
/// memory, so that dev mode and tests exercise the same change tracking. Shared by every silo of a process.
/// </summary>
public sealed class InMemoryPublisherStore
{
    internal ConcurrentDictionary<string, Entry> Publishers { get; } = new(StringComparer.Ordinal);

    internal sealed class Entry
    {
        public int Version { get; set; }

        public byte[] Header { get; set; } = [];

        public Dictionary<string, SubjectRow> Subjects { get; } = new(StringComparer.Ordinal);

        public Dictionary<EntryKey, byte[]> Entries { get; } = [];
    }
}

internal sealed class InMemoryPublisherStorage(InMemoryPublisherStore store) : IGrainStorage
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (!store.Publishers.TryGetValue(grainId.Key.ToString()!, out var entry))
        {
            grainState.State = (T)(object)new PublisherQueue();
            grainState.ETag = null;
            grainState.RecordExists = false;
            return Task.CompletedTask;
        }

        lock (entry)
        {
            grainState.State = (T)(object)PublisherRowSerializer.Restore(
                entry.Header, [.. entry.Subjects.Values], [.. entry.Entries.Select(e => (e.Key.Kind, e.Value))]);
            grainState.ETag = entry.Version.ToString(CultureInfo.InvariantCulture);
            grainState.RecordExists = true;
        }

        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var changes = PublisherRowSerializer.AsQueue(grainState).TakeChanges();
        var entry = store.Publishers.GetOrAdd(grainId.Key.ToString()!, _ => new InMemoryPublisherStore.Entry());
        lock (entry)
        {
            var expected = grainState.ETag is null ? 0 : int.Parse(grainState.ETag, CultureInfo.InvariantCulture);
            if (entry.Version != expected)
            {
                throw new InconsistentStateException(
                    $"Stored version {entry.Version} is not the version this activation read ({expected}).",
                    entry.Version.ToString(CultureInfo.InvariantCulture),
                    grainState.ETag ?? "none");
            }

            entry.Header = PublisherRowSerializer.Header(changes.Header);
            foreach (var subject in changes.RemovedSubjects)
            {
                entry.Subjects.Remove(subject);
            }

            foreach (var subject in changes.Subjects)
            {
                entry.Subjects[subject.Subject] = subject;
            }

            foreach (var (key, value) in changes.Entries)
            {
                if (value is null)
                {
                    entry.Entries.Remove(key);
                }
                else
                {
                    entry.Entries[key] = PublisherRowSerializer.Entry(key.Kind, value);
                }
            }

            entry.Version++;
            grainState.ETag = entry.Version.ToString(CultureInfo.InvariantCulture);
            grainState.RecordExists = true;
        }

        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        store.Publishers.TryRemove(grainId.Key.ToString()!, out _);
        grainState.State = (T)(object)new PublisherQueue();
        grainState.ETag = null;
        grainState.RecordExists = false;
        return Task.CompletedTask;
    }
}
