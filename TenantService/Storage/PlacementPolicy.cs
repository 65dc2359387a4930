using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Tenancy.Databases;
using Tenancy.Storage;

namespace TenantService.Storage;

/// <summary>
/// Chooses where a new database is created (<c>STORAGE_PLACEMENT</c>): this node's files, one backend, or one of a list
/// by a hash of the name that is the same in every process and every start, so a retried create lands where the first try did.
/// </summary>
internal sealed class PlacementPolicy(RemoteStorageOptions options, StorageOptions storage)
{
    /// <summary>The backend for a new database named <paramref name="name"/>, or null for this node's files.</summary>
    public StorageBackend? Choose(DatabaseName name)
    {
        var place = options.Placement[Spread(name, options.Placement.Count)];
        return place == StorageBackend.Local ? null : storage.Backends[place];
    }

    /// <summary>Which of <paramref name="places"/> places <paramref name="name"/> goes to: SHA-256 of the name, not string.GetHashCode, which differs per process.</summary>
    public static int Spread(DatabaseName name, int places)
    {
        if (places == 1)
        {
            return 0;
        }

        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(name.Value), hash);
        return (int)(BinaryPrimitives.ReadUInt32BigEndian(hash) % (uint)places);
    }
}
