using StackExchange.Redis;
using Tenancy.Databases;

namespace Tenancy.Metadata;

/// <summary>
/// Every Redis key and channel the platform uses, in one place. Redis holds cached metadata and coordination only;
/// flushing it loses nothing, because <c>platform.db</c> and the database files are the source of truth.
/// </summary>
/// <remarks>
/// <list type="table">
/// <item><term><c>tenant:{name}</c></term><description>string: a <see cref="TenantRecord"/> as snake_case JSON,
/// e.g. <c>{"name":"abc","kind":"child","schema":"todos-schema","version":3,"block_writes":false,"block_reads":false,"created_at":"2026-11-23T09:30:00+00:00"}</c>,
/// with <c>"placement":{"backend":"node","url":"http://10.0.0.2:5301/db/abc"}</c> for a database on a storage backend.
/// Written by <see cref="TenantMetadataStore"/>, no expiry.</description></item>
/// <item><term><c>tenants:events</c></term><description>pub/sub channel: a <see cref="TenantEvent"/> as snake_case JSON per message,
/// e.g. <c>{"type":"migrated","name":"abc","version":4,"block_writes":false}</c>.</description></item>
/// <item><term><c>tenants:close</c></term><description>pub/sub channel: a <see cref="CloseRequest"/> as snake_case JSON,
/// <c>{"name":"abc","id":"5f0c..."}</c>: every service with a connection cache closes the database and acknowledges.</description></item>
/// <item><term><c>tenants:close-acks:{id}</c></term><description>list: one entry per service that closed the database for request
/// <c>id</c>; expires after a minute.</description></item>
/// <item><term><c>tokens:rotations</c></term><description>hash: per rotation scope (<c>database:{name}</c>, <c>group:{name}</c>)
/// the Unix milliseconds before which database and group tokens of that scope are revoked. Written by tenantservice's
/// token rotation publisher from platform.db, no expiry.</description></item>
/// <item><term><c>tokens:rotated</c></term><description>pub/sub channel: <c>{milliseconds} {scope}</c> per rotation, e.g.
/// <c>1796166000001 database:abc</c>.</description></item>
/// </list>
/// </remarks>
public static class RedisKeys
{
    /// <summary>The prefix of every tenant record key.</summary>
    public const string TenantPrefix = "tenant:";

    /// <summary>The pub/sub channel of <see cref="TenantEvent"/>s.</summary>
    public static readonly RedisChannel EventsChannel = RedisChannel.Literal("tenants:events");

    /// <summary>The pub/sub channel of <see cref="CloseRequest"/>s.</summary>
    public static readonly RedisChannel CloseChannel = RedisChannel.Literal("tenants:close");

    /// <summary>The list where services acknowledge close request <paramref name="id"/>.</summary>
    /// <param name="id">The request's id.</param>
    /// <returns>The key <c>tenants:close-acks:{id}</c>.</returns>
    public static RedisKey CloseAcks(string id) => "tenants:close-acks:" + id;

    /// <summary>The key of <paramref name="name"/>'s <see cref="TenantRecord"/>.</summary>
    /// <param name="name">The database.</param>
    /// <returns>The key <c>tenant:{name}</c>.</returns>
    public static RedisKey Tenant(DatabaseName name) => TenantPrefix + name.Value;

    /// <summary>The hash of token rotations: scope to Unix milliseconds.</summary>
    public static readonly RedisKey TokenRotations = "tokens:rotations";

    /// <summary>The pub/sub channel announcing each token rotation as <c>{milliseconds} {scope}</c>.</summary>
    public static readonly RedisChannel TokenRotatedChannel = RedisChannel.Literal("tokens:rotated");

}
