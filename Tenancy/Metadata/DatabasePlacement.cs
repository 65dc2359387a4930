namespace Tenancy.Metadata;

/// <summary>Where a database lives when it is not in this node's files: on a remote libSQL server, reached over HTTP.</summary>
/// <param name="Backend">The storage backend that holds it (<see cref="Storage.StorageBackend.Name"/>); names the credential every service uses to reach it.</param>
/// <param name="Url">The database's libSQL URL, for example <c>http://localhost:5301/db/alice</c>.</param>
public sealed record DatabasePlacement(string Backend, Uri Url);
