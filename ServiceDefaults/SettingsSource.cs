namespace Microsoft.Extensions.Hosting;

/// <summary>How one settings type is read; registered once per type by <see cref="SettingsExtensions.AddSettings{T}"/>.</summary>
internal sealed record SettingsSource(Type Type, Func<SettingsReader, object> Read);
