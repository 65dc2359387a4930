using System.Collections.Concurrent;
using Tenancy.Databases;

namespace TenantService.Databases;

/// <summary>
/// Child database files written ahead of demand and already flushed to disk, so a create is a rename: no
/// fsync on the request path, yet a power loss can never expose a half-written file. A background loop
/// keeps up to <see cref="Target"/> files per schema in <c>databases/.pool</c>, writing a batch and
/// flushing it with one <c>syncfs</c>. A file made from an older template (the schema changed since) is
/// discarded when taken; start-up clears the folder (<see cref="Clear"/>).
/// </summary>
internal sealed partial class ChildFilePool : IDisposable
{
    public const int Target = 256;
    private const int Batch = 64;
    private const string Suffix = ".pooled";

    private readonly ConcurrentDictionary<string, ConcurrentQueue<Prepared>> _queues = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly ChildTemplates _templates;
    private readonly ILogger<ChildFilePool> _logger;
    private readonly Task _refill;
    private long _lastDryWarning;

    public ChildFilePool(ChildTemplates templates, TenantDatabaseFactory factory, ILogger<ChildFilePool> logger)
    {
        _templates = templates;
        _logger = logger;
        Directory = Path.Combine(factory.Layout.DatabasesDirectory, ".pool");
        _refill = Task.Run(RefillLoopAsync);
    }

    public string Directory { get; }

    /// <summary>Takes a flushed file made from <paramref name="template"/>, or returns false when none is ready.</summary>
    public bool TryTake(DatabaseName schema, ChildTemplate template, out string path)
    {
        var queue = _queues.GetOrAdd(schema.Value, static _ => new ConcurrentQueue<Prepared>());
        Wake();
        while (queue.TryDequeue(out var prepared))
        {
            if (ReferenceEquals(prepared.Template, template))
            {
                path = prepared.Path;
                return true;
            }

            File.Delete(prepared.Path);
        }

        WarnDry(schema);
        path = "";
        return false;
    }

    /// <summary>Drops the files of a deleted schema database.</summary>
    public void Forget(DatabaseName schema)
    {
        if (_queues.TryRemove(schema.Value, out var queue))
        {
            while (queue.TryDequeue(out var prepared))
            {
                File.Delete(prepared.Path);
            }
        }
    }

    /// <summary>Removes whatever an earlier run left in the pool folder; called at start before any create.</summary>
    public void Clear()
    {
        if (System.IO.Directory.Exists(Directory))
        {
            foreach (var path in System.IO.Directory.EnumerateFiles(Directory))
            {
                File.Delete(path);
            }
        }
    }

    public void Dispose()
    {
        _stopping.Cancel();
        try
        {
            _refill.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The loop logs its own failures.
        }

        _stopping.Dispose();
        _wake.Dispose();
    }

    // Once per 10 s at most: a burst that outruns the refill is worth knowing about, not worth a line per create.
    private void WarnDry(DatabaseName schema)
    {
        var now = Environment.TickCount64;
        var last = Interlocked.Read(ref _lastDryWarning);
        if (now - last > 10_000 && Interlocked.CompareExchange(ref _lastDryWarning, now, last) == last)
        {
            LogDry(_logger, schema.Value);
        }
    }

    private void Wake()
    {
        if (_wake.CurrentCount == 0)
        {
            try
            {
                _wake.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already awake.
            }
        }
    }

    private async Task RefillLoopAsync()
    {
        var token = _stopping.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                await _wake.WaitAsync(TimeSpan.FromSeconds(5), token);
                while (!token.IsCancellationRequested && RefillOneBatch())
                {
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException)
            {
                LogRefillFailed(_logger, exception);
                await Task.Delay(TimeSpan.FromSeconds(1), token).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    /// <summary>Writes and flushes one batch for the emptiest schema; false when every pool is full.</summary>
    private bool RefillOneBatch()
    {
        var (schema, queue) = _queues.OrderBy(pair => pair.Value.Count).FirstOrDefault();
        if (queue is null || queue.Count >= Target)
        {
            return false;
        }

        ChildTemplate template;
        try
        {
            template = _templates.Get(DatabaseName.Parse(schema));
        }
        catch (FileNotFoundException)
        {
            _queues.TryRemove(schema, out _);
            return true;
        }

        System.IO.Directory.CreateDirectory(Directory);
        var batch = new List<Prepared>(Batch);
        for (var i = 0; i < Math.Min(Batch, Target - queue.Count); i++)
        {
            var path = Path.Combine(Directory, $"{schema}.{Guid.NewGuid():N}{Suffix}");
            using (var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0))
            {
                stream.Write(template.Content);
            }

            batch.Add(new Prepared(template, path));
        }

        // One flush for the whole batch instead of one per file.
        DiskFlush.FileSystem(Directory);
        foreach (var prepared in batch)
        {
            queue.Enqueue(prepared);
        }

        return true;
    }

    private sealed record Prepared(ChildTemplate Template, string Path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No prepared file for a child of '{Schema}': creates write and flush their own until the pool refills.")]
    private static partial void LogDry(ILogger logger, string schema);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Preparing child database files failed; creates write their own until it recovers.")]
    private static partial void LogRefillFailed(ILogger logger, Exception exception);
}
