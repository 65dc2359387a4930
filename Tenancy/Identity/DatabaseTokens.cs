namespace Tenancy.Identity;

/// <summary>
/// Database and group tokens: JWTs the platform signs itself (HS256 with <c>DATABASE_TOKEN_SIGNING_KEY</c>) that open one
/// database, or every database of a group, over libSQL only. Their claims follow Turso's: <c>a</c> is <c>rw</c> or
/// <c>ro</c>, <c>id</c> names the database, <c>gid</c> the group (of a group token, or the database's group).
/// </summary>
public static class DatabaseTokens
{
    /// <summary>The <c>iss</c> of every database and group token: a URN, so it never collides with a Clerk issuer URL.</summary>
    public const string Issuer = "urn:tenant-platform:database-token";

    /// <summary>The access claim: <see cref="FullAccessClaimValue"/> or <see cref="ReadOnlyClaimValue"/>.</summary>
    public const string AccessClaim = "a";

    /// <summary>The database a database token opens.</summary>
    public const string DatabaseClaim = "id";

    /// <summary>The group a group token opens; on a database token, the group its database belonged to when it was issued.</summary>
    public const string GroupClaim = "gid";

    /// <summary>
    /// When the token was issued, in Unix milliseconds: rotation compares with it, since <c>iat</c> has whole seconds
    /// and a token issued in the same second as a rotation must not be mistaken for an older one.
    /// </summary>
    public const string IssuedAtMillisecondsClaim = "iat_ms";

    /// <summary>The access claim of a token that may write.</summary>
    public const string FullAccessClaimValue = "rw";

    /// <summary>The access claim of a token that may only read.</summary>
    public const string ReadOnlyClaimValue = "ro";

    /// <summary>The Platform API's word for a token that may write (<c>authorization=full-access</c>).</summary>
    public const string FullAccess = "full-access";

    /// <summary>The Platform API's word for a token that may only read (<c>authorization=read-only</c>).</summary>
    public const string ReadOnly = "read-only";

    /// <summary>The rotation scope of a database: tokens issued for it before its rotation stop working.</summary>
    /// <param name="database">The database name.</param>
    /// <returns>The scope key, <c>database:{name}</c>.</returns>
    public static string DatabaseScope(string database) => "database:" + database;

    /// <summary>The rotation scope of a group: tokens issued for it, or for its databases, before its rotation stop working.</summary>
    /// <param name="group">The group name.</param>
    /// <returns>The scope key, <c>group:{name}</c>.</returns>
    public static string GroupScope(string group) => "group:" + group;
}
