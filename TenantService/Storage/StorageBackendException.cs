namespace TenantService.Storage;

/// <summary>What went wrong in a call to a storage backend, as the caller must branch on it.</summary>
internal enum StorageFailure
{
    /// <summary>No answer in time, no connection, or a 5xx or 429: try again later (our caller gets 503 with Retry-After).</summary>
    Unavailable,

    /// <summary>The backend does not have the database.</summary>
    NotFound,

    /// <summary>The backend has a database of that name already.</summary>
    AlreadyExists,

    /// <summary>The backend refused the request (a bad token, a name it does not accept) and did nothing: retrying will not help (502).</summary>
    Refused,

    /// <summary>The backend said it succeeded but its answer cannot be read: it may have done the work (502).</summary>
    Malformed,
}

/// <summary>A call to a storage backend failed; <see cref="Exception.Message"/> says which backend, what was asked and why.</summary>
internal sealed class StorageBackendException(string backend, StorageFailure failure, string message, TimeSpan? retryAfter = null, Exception? inner = null)
    : Exception(message, inner)
{
    public string Backend { get; } = backend;

    public StorageFailure Failure { get; } = failure;

    /// <summary>How long our caller should wait: the backend's own Retry-After when it sent one.</summary>
    public TimeSpan RetryAfter { get; } = retryAfter ?? TimeSpan.FromSeconds(1);

    /// <summary>The status our caller gets.</summary>
    public int StatusCode => Failure switch
    {
        StorageFailure.Unavailable => StatusCodes.Status503ServiceUnavailable,
        StorageFailure.NotFound => StatusCodes.Status404NotFound,
        StorageFailure.AlreadyExists => StatusCodes.Status409Conflict,
        _ => StatusCodes.Status502BadGateway,
    };
}
