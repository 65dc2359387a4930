using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Tenancy.Identity;

/// <summary>
/// Accepts <c>Authorization: Bearer</c> with the platform API token, a user session token, or a database or group token,
/// or a user session token in the <see cref="SessionCookie"/> (same-origin only when it changes state), and refuses tenant
/// headers that a client forged: they must agree with the validated token.
/// Challenges say why in <c>WWW-Authenticate</c> and in an <see cref="ErrorBody"/>.
/// </summary>
internal sealed partial class TenantAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    TenantIdentityOptions identityOptions,
    TenantTokenValidator validator)
    : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, loggerFactory, encoder)
{
    private const string BearerPrefix = "Bearer ";
    private const string NoCredentials = "No bearer token was sent.";
    private const string ReasonItem = "tenant.reason";
    private const string NoAccess = "These credentials do not give access to this resource; a user token reaches only its own database and its active organization's, "
        + "a database or group token only its database or group over libSQL (/db/{name}/...).";

    /// <summary>Challenge or forbid properties whose answer gives <paramref name="reason"/> instead of the handler's own.</summary>
    internal static AuthenticationProperties Explained(string reason) => new(new Dictionary<string, string?> { [ReasonItem] = reason });

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? authorization = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(authorization) && Request.Cookies[SessionCookie.Name] is { Length: > 0 } cookie)
        {
            return SessionCookie.CrossSiteRefusal(Request) is { } crossSite
                ? Refuse(TokenFailure.Invalid, crossSite)
                : await ValidateUserTokenAsync(cookie.AsMemory().Trim(), fromCookie: true);
        }

        if (string.IsNullOrEmpty(authorization))
        {
            return TenantHeaders.AnyIn(Request.Headers)
                ? Refuse(TokenFailure.Invalid, "A tenant header was sent without credentials; only the gateway sets tenant headers.")
                : AuthenticateResult.NoResult();
        }

        if (!authorization.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return Refuse(TokenFailure.Malformed, "The Authorization header is not a bearer token.");
        }

        var token = authorization.AsMemory(BearerPrefix.Length).Trim();
        if (token.IsEmpty)
        {
            return Refuse(TokenFailure.Malformed, "The bearer token is empty.");
        }

        var digest = TokenDigest.Of(token.Span);
        if (identityOptions.PlatformApiTokenDigest is { } platformToken && digest.FixedTimeEquals(platformToken))
        {
            var platform = new ClaimsIdentity(Scheme.Name, ClaimTypes.Name, ClaimTypes.Role);
            platform.AddClaim(new Claim(ClaimTypes.Name, TenantClaims.PlatformRole));
            platform.AddClaim(new Claim(ClaimTypes.Role, TenantClaims.PlatformRole));
            return Success(platform);
        }

        return await ValidateUserTokenAsync(token, fromCookie: false, digest);
    }

    // A session cookie carries only user tokens: the platform token and database tokens are never taken from a cookie.
    private async Task<AuthenticateResult> ValidateUserTokenAsync(ReadOnlyMemory<char> token, bool fromCookie, TokenDigest? digest = null)
    {
        var requested = Context.GetRouteValue(TenantPolicies.DatabaseRouteValue) as string;
        var validation = await validator.ValidateAsync(token, digest ?? TokenDigest.Of(token.Span), requested, Context.RequestAborted);
        if (!validation.IsValid)
        {
            return Refuse(validation.Failure, validation.Description);
        }

        if (validation.Identity!.FindFirst(TenantClaims.Database)?.Value is not { } database)
        {
            // A database or group token: it names no tenant of its own, so no tenant header can agree with it.
            return fromCookie ? Refuse(TokenFailure.Invalid, "The session cookie holds a database token; send it as 'Authorization: Bearer' to /db/{name}/ instead.")
                : TenantHeaders.AnyIn(Request.Headers) ? Refuse(TokenFailure.Invalid, "A tenant header was sent with a database token; only the gateway sets tenant headers.")
                : Success(validation.Identity);
        }

        foreach (var header in (string[])[TenantHeaders.TenantId, TenantHeaders.Database])
        {
            if (Request.Headers.TryGetValue(header, out var sent) && !string.Equals(sent, database, StringComparison.Ordinal))
            {
                return Refuse(TokenFailure.Invalid, $"The {header} header does not match the token; only the gateway sets tenant headers.");
            }
        }

        return Success(validation.Identity);
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        var description = Reason(properties) ?? result.Failure?.Message ?? NoCredentials;
        var challenge = result.Failure is null
            ? $"Bearer realm=\"{TenantAuthenticationDefaults.Realm}\", error_description=\"{Quote(description)}\""
            : $"Bearer realm=\"{TenantAuthenticationDefaults.Realm}\", error=\"invalid_token\", error_description=\"{Quote(description)}\"";

        Response.Headers[HeaderNames.WWWAuthenticate] = challenge;
        await ErrorBody.WriteAsync(Response, StatusCodes.Status401Unauthorized, description, Context.RequestAborted);
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.Headers[HeaderNames.WWWAuthenticate] =
            $"Bearer realm=\"{TenantAuthenticationDefaults.Realm}\", error=\"insufficient_scope\"";
        await ErrorBody.WriteAsync(Response, StatusCodes.Status403Forbidden, Reason(properties) ?? NoAccess, Context.RequestAborted);
    }

    private static string? Reason(AuthenticationProperties? properties) => properties?.Items.TryGetValue(ReasonItem, out var reason) == true ? reason : null;

    private AuthenticateResult Success(ClaimsIdentity identity) =>
        AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));

    private AuthenticateResult Refuse(TokenFailure failure, string description)
    {
        LogRefused(Logger, failure, description);
        return AuthenticateResult.Fail(description);
    }

    // A quoted-string cannot hold a bare double quote or backslash (RFC 9110 section 5.6.4).
    private static string Quote(string text) => text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Bearer credentials refused ({Failure}): {Description}")]
    private static partial void LogRefused(ILogger logger, TokenFailure failure, string description);
}
