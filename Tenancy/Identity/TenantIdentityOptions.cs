using System.Net;
using Microsoft.Extensions.Hosting;

namespace Tenancy.Identity;

/// <summary>
/// How user session tokens, database and group tokens and the platform token are checked. Read from the environment the
/// AppHost sets: <c>CLERK_ISSUER</c>, <c>CLERK_JWT_KEY</c>, <c>CLERK_AUTHORIZED_PARTIES</c>, <c>DEV_JWT_SIGNING_KEY</c>,
/// <c>DATABASE_TOKEN_SIGNING_KEY</c>, <c>ORG_WRITE_ROLES</c> and <c>PLATFORM_API_TOKEN</c>, and whether the host is
/// Development; validated (<see cref="Validate"/>) at start.
/// </summary>
public sealed record TenantIdentityOptions
{
    /// <summary>The expected <c>iss</c> of Clerk session tokens; keys come from its <c>/.well-known/jwks.json</c>.</summary>
    public string? Issuer { get; init; }

    /// <summary>A PEM public key that signs Clerk session tokens, used instead of the JWKS.</summary>
    public string? PublicKeyPem { get; init; }

    /// <summary>Allowed <c>azp</c> values; empty means <c>azp</c> is not checked.</summary>
    public IReadOnlyList<string> AuthorizedParties { get; init; } = [];

    /// <summary>The dev issuer's PKCS#8 PEM private key, used only on a <see cref="DevelopmentHost"/> when neither <see cref="Issuer"/> nor <see cref="PublicKeyPem"/> is set.</summary>
    public string? DevSigningKeyPem { get; init; }

    /// <summary>
    /// The HS256 key that signs and checks database and group tokens: base64url of at least 32 random bytes. Unset: no such
    /// token can be issued or accepted. Replacing it (the documented rotation step) ends every token signed with the old one.
    /// </summary>
    public string? DatabaseTokenSigningKey
    {
        get;
        init
        {
            field = value;
            DatabaseTokenKey = DatabaseTokenKeys.TryRead(value, out var key) ? key : null;
        }
    }

    /// <summary>The key of <see cref="DatabaseTokenSigningKey"/>, with its thumbprint as <c>kid</c>; null when unset or unreadable.</summary>
    public Microsoft.IdentityModel.Tokens.SymmetricSecurityKey? DatabaseTokenKey { get; private init; }

    /// <summary>The organization roles (Clerk's <c>org_role</c>, <c>org:</c> prefixed) that may write to the organization's database; every other role reads only.</summary>
    public IReadOnlyList<string> OrganizationWriteRoles { get; init; } = DefaultOrganizationWriteRoles;

    /// <summary>The default of <see cref="OrganizationWriteRoles"/>: Clerk's two built-in roles.</summary>
    public static readonly IReadOnlyList<string> DefaultOrganizationWriteRoles = ["org:admin", "org:member"];

    /// <summary>The bearer token of the platform API and of admin database access.</summary>
    public string? PlatformApiToken
    {
        get;
        init
        {
            field = value;
            PlatformApiTokenDigest = value is null ? null : TokenDigest.Of(value);
        }
    }

    /// <summary>The digest of <see cref="PlatformApiToken"/>, computed once: presented tokens are compared with it.</summary>
    public TokenDigest? PlatformApiTokenDigest { get; private init; }

    /// <summary>
    /// Whether the host runs in the Development environment (<c>ASPNETCORE_ENVIRONMENT=Development</c>, which the AppHost
    /// sets): only there is the dev issuer used, since it signs a token for any user id that asks.
    /// </summary>
    public bool DevelopmentHost { get; init; }

    /// <summary>How far <c>exp</c> and <c>nbf</c> may be off, for clocks that drift.</summary>
    public TimeSpan ClockSkew { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Where signing keys come from, given which settings are present.</summary>
    public TokenIssuerMode Mode =>
        !string.IsNullOrWhiteSpace(PublicKeyPem) ? TokenIssuerMode.PublicKey
        : !string.IsNullOrWhiteSpace(Issuer) ? TokenIssuerMode.Jwks
        : DevIssuerAllowed && !string.IsNullOrWhiteSpace(DevSigningKeyPem) ? TokenIssuerMode.Dev
        : TokenIssuerMode.None;

    /// <summary>Whether the gateway may issue dev tokens: a Development host, and neither a real issuer nor a real key is configured.</summary>
    public bool DevIssuerAllowed => DevelopmentHost && !HasClerkIssuer;

    private bool HasClerkIssuer => !string.IsNullOrWhiteSpace(PublicKeyPem) || !string.IsNullOrWhiteSpace(Issuer);

    /// <summary>The <c>iss</c> a token must carry, or null when only a public key is configured and nothing names the issuer.</summary>
    public string? ExpectedIssuer => Mode switch
    {
        TokenIssuerMode.Dev => DevIssuer.Issuer,
        _ when !string.IsNullOrWhiteSpace(Issuer) => Issuer.TrimEnd('/'),
        _ => null,
    };

    /// <summary>Every problem with these settings, each naming the setting and the fix; empty when they are usable.</summary>
    /// <returns>The problems.</returns>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (!string.IsNullOrWhiteSpace(Issuer))
        {
            if (!Uri.TryCreate(Issuer, UriKind.Absolute, out var issuer) || (issuer.Scheme != Uri.UriSchemeHttps && issuer.Scheme != Uri.UriSchemeHttp))
            {
                problems.Add($"CLERK_ISSUER '{Issuer}' is not an absolute http(s) URL; set it to your Clerk Frontend API URL, e.g. https://clerk.example.com.");
            }
            else if (issuer.Scheme == Uri.UriSchemeHttp && !IsLoopback(issuer))
            {
                problems.Add($"CLERK_ISSUER '{Issuer}' uses http for a host that is not loopback; use https (http is allowed only for localhost and 127.0.0.0/8).");
            }
        }

        if (!HasClerkIssuer && !DevelopmentHost)
        {
            problems.Add("Neither CLERK_ISSUER nor CLERK_JWT_KEY is set, and the dev issuer, which signs a token for any user id, runs only in Development: "
                + "set CLERK_ISSUER to your Clerk Frontend API URL or CLERK_JWT_KEY to its PEM public key; for a local run set ASPNETCORE_ENVIRONMENT=Development (the AppHost does).");
        }

        if (!string.IsNullOrWhiteSpace(PublicKeyPem) && !SigningKeys.TryReadPublicKey(PublicKeyPem, out _))
        {
            problems.Add("CLERK_JWT_KEY is not a PEM public key; paste the 'PEM Public Key' from the Clerk dashboard, BEGIN/END lines included.");
        }

        if (Mode == TokenIssuerMode.Dev && !SigningKeys.TryReadPrivateKey(DevSigningKeyPem!, out _))
        {
            problems.Add("DEV_JWT_SIGNING_KEY is not a PEM RSA private key; leave it to the AppHost, which generates one into $DATA_DIR/secrets.json.");
        }

        if (!string.IsNullOrWhiteSpace(DatabaseTokenSigningKey) && DatabaseTokenKey is null)
        {
            problems.Add($"DATABASE_TOKEN_SIGNING_KEY is not base64url of at least {DatabaseTokenKeys.MinimumBytes} bytes; leave it to the AppHost, which generates one "
                + "into $DATA_DIR/secrets.json, or make one with: openssl rand -base64 32 | tr '+/' '-_' | tr -d '='.");
        }

        if (OrganizationWriteRoles.Any(role => !role.StartsWith("org:", StringComparison.Ordinal) || role.Length == 4))
        {
            problems.Add("ORG_WRITE_ROLES lists a role without Clerk's 'org:' prefix; write roles as Clerk names them, comma-separated, e.g. org:admin,org:member.");
        }

        if (ClockSkew < TimeSpan.Zero)
        {
            problems.Add("ClockSkew is negative; use zero or more.");
        }

        return problems;
    }

    internal static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.DnsSafeHost, out var address) && IPAddress.IsLoopback(address));

    internal static TenantIdentityOptions Read(SettingsReader settings, bool developmentHost)
    {
        var options = new TenantIdentityOptions
        {
            DevelopmentHost = developmentHost,
            Issuer = settings.Text("CLERK_ISSUER"),
            PublicKeyPem = settings.Text("CLERK_JWT_KEY"),
            AuthorizedParties = (settings.Text("CLERK_AUTHORIZED_PARTIES") ?? "")
                .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            DevSigningKeyPem = settings.Text("DEV_JWT_SIGNING_KEY"),
            PlatformApiToken = settings.Text("PLATFORM_API_TOKEN"),
            DatabaseTokenSigningKey = settings.Text("DATABASE_TOKEN_SIGNING_KEY"),
            OrganizationWriteRoles = settings.Text("ORG_WRITE_ROLES") is { } roles
                ? roles.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                : DefaultOrganizationWriteRoles,
        };
        foreach (var problem in options.Validate())
        {
            settings.AddProblem(problem);
        }

        return options;
    }
}
