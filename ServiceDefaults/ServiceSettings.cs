using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Every settings type registered with <see cref="SettingsExtensions.AddSettings{T}"/>, read with one
/// <see cref="SettingsReader"/>: whichever type is needed first (a hosted service's dependency, or the start's
/// validation), the exception lists the problems of all of them.
/// </summary>
internal sealed class ServiceSettings
{
    private readonly Dictionary<Type, object> _values = [];

    private ServiceSettings(IConfiguration configuration, IEnumerable<SettingsSource> sources)
    {
        var reader = new SettingsReader(configuration);
        foreach (var source in sources)
        {
            _values[source.Type] = source.Read(reader);
        }

        if (reader.Problems.Count > 0)
        {
            throw new OptionsValidationException(Options.Options.DefaultName, typeof(ServiceSettings), reader.Problems);
        }
    }

    public T Get<T>() where T : class => (T)_values[typeof(T)];

    /// <summary>Reads every settings type; a failure is not cached, so each caller sees the full list.</summary>
    internal sealed class Factory(IConfiguration configuration, IEnumerable<SettingsSource> sources) : IOptionsFactory<ServiceSettings>
    {
        public ServiceSettings Create(string name) => new(configuration, sources);
    }

    /// <summary>One settings type, taken from the values read together.</summary>
    internal sealed class Factory<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] T>(IOptions<ServiceSettings> all) : IOptionsFactory<T> where T : class
    {
        public T Create(string name) => all.Value.Get<T>();
    }
}
