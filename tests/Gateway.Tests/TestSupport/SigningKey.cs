using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Tests.TestSupport;

/// <summary>An RSA key that plays a Clerk instance's signing key, and mints session tokens with it.</summary>
internal sealed class SigningKey : IDisposable
{
    private readonly RSA rsa = RSA.Create(2048);

    public SigningKey(string keyId)
    {
        KeyId = keyId;
        Key = new RsaSecurityKey(rsa) { KeyId = keyId };
    }

    public string KeyId { get; }

    public RsaSecurityKey Key { get; }

    public string PrivateKeyPem => rsa.ExportPkcs8PrivateKeyPem();

    public string PublicKeyPem => rsa.ExportSubjectPublicKeyInfoPem();

    /// <summary>The JWK of the public half, as a JWKS lists it.</summary>
    public object PublicJwk
    {
        get
        {
            var parameters = rsa.ExportParameters(false);
            return new Dictionary<string, string>
            {
                ["kty"] = "RSA",
                ["use"] = "sig",
                ["alg"] = "RS256",
                ["kid"] = KeyId,
                ["n"] = Base64UrlEncoder.Encode(parameters.Modulus),
                ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
            };
        }
    }

    /// <summary>A Clerk-shaped session token; every part can be bent for failure cases.</summary>
    public string Mint(
        string issuer,
        DateTimeOffset now,
        string subject = "user_123",
        TimeSpan? lifetime = null,
        TimeSpan? notBeforeOffset = null,
        string? authorizedParty = null,
        string? organizationId = null,
        bool withExpiry = true)
    {
        var claims = new Dictionary<string, object> { ["sub"] = subject, ["sid"] = "sess_test" };
        if (authorizedParty is not null)
        {
            claims["azp"] = authorizedParty;
        }

        if (organizationId is not null)
        {
            claims["org_id"] = organizationId;
        }

        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.Add(notBeforeOffset ?? TimeSpan.Zero).UtcDateTime,
            Claims = claims,
            SigningCredentials = new SigningCredentials(Key, SecurityAlgorithms.RsaSha256),
        };
        if (withExpiry)
        {
            descriptor.Expires = now.Add(lifetime ?? TimeSpan.FromMinutes(1)).UtcDateTime;
        }

        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    /// <summary>A token with exactly this header and payload (JSON), signed RS256: for shapes the token handler would not write.</summary>
    public string Sign(string headerJson, string payloadJson)
    {
        var signingInput = $"{Base64UrlEncoder.Encode(headerJson)}.{Base64UrlEncoder.Encode(payloadJson)}";
        var signature = rsa.SignData(System.Text.Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return $"{signingInput}.{Base64UrlEncoder.Encode(signature)}";
    }

    public void Dispose() => rsa.Dispose();
}
