using System.Net;
using System.Net.Sockets;
using Tenancy.Databases;

namespace TenantService.Hrana;

/// <summary>
/// Who a stream's slot is counted against: its owner (caller and database, whose batons it answers), the database, and
/// the client address. The platform token's streams count only against the total and its owner.
/// </summary>
internal sealed record StreamClaim(string Owner, DatabaseName Database, IPAddress? Address, bool IsPlatform)
{
    /// <summary>The address a per-address limit counts by: IPv4 as is, IPv6 by its /64, which one subscriber usually holds whole.</summary>
    public static IPAddress? AddressKey(IPAddress? address)
    {
        if (address is null || address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes);
    }
}
