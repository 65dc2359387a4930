using System.Security.Cryptography;
using System.Text;

namespace Testing;

/// <summary>
/// Signs deliveries the way svix documents it, written apart from the service's verifier so the two
/// check each other: v1 = base64(HMAC-SHA256(base64decode(secret without whsec_), "{id}.{timestamp}.{body}")).
/// </summary>
public sealed class SvixSigner(string secret)
{
    public static string NewSecret() => "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public string Sign(string id, long timestamp, string body)
    {
        var keyText = secret.Split('_', 2) is ["whsec", var rest] ? rest : secret;
        using var hmac = new HMACSHA256(Convert.FromBase64String(keyText));
        var mac = hmac.ComputeHash(Encoding.UTF8.GetBytes(id + "." + timestamp + "." + body));
        return "v1," + Convert.ToBase64String(mac);
    }

    public HttpRequestMessage Delivery(string body, string? id = null, DateTimeOffset? at = null, string? signature = null, string headerPrefix = "svix-")
    {
        id ??= "msg_" + Guid.NewGuid().ToString("N");
        var timestamp = (at ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds();
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/clerk")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(headerPrefix + "id", id);
        request.Headers.Add(headerPrefix + "timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add(headerPrefix + "signature", signature ?? Sign(id, timestamp, body));
        return request;
    }

    public static string Event(string type, string? id) => id is null
        ? $$$"""{"type":"{{{type}}}","object":"event","data":{"object":"user"}}"""
        : $$$"""{"data":{"id":"{{{id}}}","object":"user","first_name":"Ada"},"object":"event","type":"{{{type}}}","timestamp":1700000000000}""";
}
