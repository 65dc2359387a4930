using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Tenancy.Identity;

/// <summary>Fails the start, naming every bad setting, instead of the first request failing.</summary>
internal sealed class TenantIdentityStartupCheck(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        TenantAuthenticationExtensions.ThrowIfInvalid(services.GetRequiredService<TenantIdentityOptions>());
        _ = services.GetRequiredService<ISigningKeySource>();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
