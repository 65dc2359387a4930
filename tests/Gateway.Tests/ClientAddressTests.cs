using System.Net;
using Gateway.Tests.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;
using Tenancy.Identity;

namespace Gateway.Tests;

/// <summary>The client address the services count libSQL streams by: what the gateway saw, never what the client claims.</summary>
public sealed class ClientAddressTests(ClerkGatewayFixture gateway) : IClassFixture<ClerkGatewayFixture>
{
    private static readonly IPAddress Client = IPAddress.Parse("203.0.113.7");

    [Fact]
    public async Task TheGatewayReplacesAClientsForwardedForWithTheAddressItSawAndSignsIt()
    {
        // In memory there is no socket: a startup filter plays the client connecting from 203.0.113.7.
        using var fromClient = gateway.Factory.WithWebHostBuilder(builder =>
            builder.ConfigureTestServices(services => services.AddSingleton<IStartupFilter>(new ConnectingFrom(Client))));
        using var http = fromClient.CreateClient();

        var forger = new ForwardedForSignature("a guess at the token");
        using var response = await http.GetAsync("/db/addressed/v2", bearer: null,
            (ForwardedForSignature.ForwardedForHeader, "198.51.100.66"), (ForwardedForSignature.HeaderName, forger.Sign("198.51.100.66")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = gateway.TenantService.Requests.Last(request => request.Path == "/db/addressed/v2");
        Assert.Equal(Client.ToString(), received.Headers[ForwardedForSignature.ForwardedForHeader]);
        var headers = new HeaderDictionary(received.Headers.ToDictionary(header => header.Key, header => new StringValues(header.Value), StringComparer.OrdinalIgnoreCase));
        Assert.True(new ForwardedForSignature(GatewayFactory.PlatformToken).IsSigned(headers), "the forwarded address does not carry the gateway's signature");
    }

    private sealed class ConnectingFrom(IPAddress address) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                context.Connection.RemoteIpAddress = address;
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
