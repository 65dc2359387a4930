namespace Tenancy.Metadata;

/// <summary>An <see cref="ITenantDirectory"/> could not answer (for example Redis is unreachable): retry later.</summary>
public sealed class TenantDirectoryUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TenantDirectoryUnavailableException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What could not be read.</param>
    public TenantDirectoryUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">What could not be read.</param>
    /// <param name="innerException">The directory's own error.</param>
    public TenantDirectoryUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
