using Tenancy.Identity;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Gateway.Routing;

/// <summary>
/// The client's address as the gateway saw it, for the services' per-address limits: <c>X-Forwarded-For</c> set (never
/// appended to) by YARP, and signed with the platform token so that a service can tell it from one a local process sent.
/// </summary>
internal static class ClientAddressForwarding
{
    public static void AddSignedClientAddress(TransformBuilderContext builder)
    {
        // YARP's default, written out because the limits depend on it: Set replaces whatever X-Forwarded-* a client sent.
        builder.AddXForwarded(ForwardedTransformActions.Set);
        var token = builder.Services.GetRequiredService<TenantIdentityOptions>().PlatformApiToken;
        var signature = string.IsNullOrEmpty(token) ? null : new ForwardedForSignature(token);

        // Added after the X-Forwarded transforms, so it signs exactly the value they set.
        builder.AddRequestTransform(transform =>
        {
            var headers = transform.ProxyRequest.Headers;
            headers.Remove(ForwardedForSignature.HeaderName);
            if (signature is not null
                && headers.TryGetValues(ForwardedForSignature.ForwardedForHeader, out var values)
                && values.ToArray() is [{ } forwardedFor])
            {
                headers.TryAddWithoutValidation(ForwardedForSignature.HeaderName, signature.Sign(forwardedFor));
            }

            return ValueTask.CompletedTask;
        });
    }
}
