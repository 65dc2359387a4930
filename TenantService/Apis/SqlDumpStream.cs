using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Data.Sqlite;

namespace TenantService.Apis;

/// <summary>
/// A database's SQL text (its dump or its schema) sent as it is made, from this node's file or from a storage backend.
/// <c>DUMP_TIMEOUT_MS</c> bounds the whole of it. The status went out with the first rows, so a dump stopped by that limit,
/// or broken off by its backend, ends in an ERROR line instead of its COMMIT: replaying it fails on that line, and without
/// its COMMIT nothing before it is kept.
/// </summary>
internal static partial class SqlDumpStream
{
    private const string ContentType = "text/plain; charset=utf-8";

    /// <summary>
    /// Streams what <paramref name="write"/> writes; its token stops it when the client leaves or <c>DUMP_TIMEOUT_MS</c>
    /// passes. <paramref name="backend"/> names the storage backend the text comes from (null: this node's file), whose
    /// broken connection also ends the text with an ERROR line.
    /// </summary>
    public static PushStreamHttpResult Send(
        string name, string? backend, HttpContext context, DatabaseServices services, Func<Stream, CancellationToken, Task> write) =>
        TypedResults.Stream(
            async stream =>
            {
                var limit = services.Options.DumpTimeout;
                using var timeLimit = new CancellationTokenSource(limit, services.Time);
                using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, timeLimit.Token);
                string error;
                try
                {
                    await write(stream, stop.Token);
                    return;
                }
                catch (Exception exception) when (exception is OperationCanceledException or SqliteException or HttpRequestException or IOException
                    && !context.RequestAborted.IsCancellationRequested && (timeLimit.IsCancellationRequested || backend is not null))
                {
                    var limitMs = (long)limit.TotalMilliseconds;
                    if (timeLimit.IsCancellationRequested)
                    {
                        LogDumpTimedOut(services.Logger, name, limitMs);
                        error = $"\nERROR: the dump of '{name}' ran longer than DUMP_TIMEOUT_MS ({limitMs} ms) allows and stopped here; " +
                            "the text above is incomplete. Ask the operator to raise DUMP_TIMEOUT_MS.\n";
                    }
                    else
                    {
                        LogRemoteDumpBroken(services.Logger, name, backend!, exception.Message);
                        error = $"\nERROR: the dump of '{name}' from storage backend '{backend}' broke off here; the text above is incomplete, retry.\n";
                    }
                }

                // Not a comment, and not an aborted connection (which would lose this line): the client must see why it ends here.
                await stream.WriteAsync(Encoding.UTF8.GetBytes(error), context.RequestAborted);
            },
            ContentType);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The dump of database {Database} from storage backend {Backend} stopped: {Reason}")]
    private static partial void LogRemoteDumpBroken(ILogger logger, string database, string backend, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The dump of database {Database} ran longer than DUMP_TIMEOUT_MS ({LimitMs} ms) and was stopped")]
    private static partial void LogDumpTimedOut(ILogger logger, string database, long limitMs);
}
