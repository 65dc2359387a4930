namespace Tenancy.Storage;

/// <summary>
/// A remote libSQL server fleet that can hold tenant databases: Turso, or another node of this platform. Both speak the
/// Turso Platform API (create, delete, dump) and libSQL over HTTP.
/// </summary>
/// <param name="Name">The backend's name in settings (<c>STORAGE_BACKENDS</c>) and in each database's placement.</param>
/// <param name="ApiUrl">The Platform API's base URL (<c>STORAGE_{NAME}_URL</c>), for example <c>http://localhost:5301</c>.</param>
/// <param name="Organization">The organization in Platform API paths (<c>STORAGE_{NAME}_ORG</c>).</param>
/// <param name="Token">The bearer token for the Platform API and libSQL on every database there (<c>STORAGE_{NAME}_TOKEN</c>).</param>
public sealed record StorageBackend(string Name, Uri ApiUrl, string Organization, string Token)
{
    /// <summary>The name of this node's own files, which needs no settings.</summary>
    public const string Local = "local";

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({ApiUrl})"; // never the token
}
