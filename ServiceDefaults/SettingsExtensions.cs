using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>Registers a service's settings: one options type per concern, all read and validated together, once.</summary>
public static class SettingsExtensions
{
    /// <summary>
    /// Registers <typeparamref name="T"/> as <see cref="IOptions{TOptions}"/> and as itself, read by <paramref name="read"/>.
    /// Every settings type of the service is read together, at start (<c>ValidateOnStart</c>) or when the first of them is
    /// needed, whichever comes first; a bad value anywhere stops the service with one
    /// <see cref="OptionsValidationException"/> that lists every problem, each naming its setting. Registering the same
    /// type again does nothing.
    /// </summary>
    /// <typeparam name="T">The options type, usually an immutable record.</typeparam>
    /// <param name="services">The service collection.</param>
    /// <param name="read">Reads the options, with the defaults for what is unset.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddSettings<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] T>(this IServiceCollection services, Func<SettingsReader, T> read) where T : class
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(read);
        if (services.Any(descriptor => descriptor.ImplementationInstance is SettingsSource source && source.Type == typeof(T)))
        {
            return services;
        }

        services.AddSingleton(new SettingsSource(typeof(T), read));
        if (!services.Any(descriptor => descriptor.ServiceType == typeof(IOptionsFactory<ServiceSettings>)))
        {
            services.AddSingleton<IOptionsFactory<ServiceSettings>, ServiceSettings.Factory>();
            services.AddOptions<ServiceSettings>().ValidateOnStart();
        }

        services.AddOptions<T>();
        services.AddSingleton<IOptionsFactory<T>, ServiceSettings.Factory<T>>();
        // Consumers may take the validated record itself.
        services.TryAddSingleton(provider => provider.GetRequiredService<IOptions<T>>().Value);
        return services;
    }
}
