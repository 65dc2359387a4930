using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Tenancy.Identity;

/// <summary>
/// The SHA-256 of a bearer token's UTF-8 bytes: the key a validated token is remembered by (32 bytes, where the token
/// is over a kilobyte), and the form tokens are compared in, in the same time whatever a guess's length or content.
/// </summary>
public readonly struct TokenDigest : IEquatable<TokenDigest>
{
    private const int StackLimit = 4096;

    private readonly UInt128 _first;
    private readonly UInt128 _second;

    private TokenDigest(ReadOnlySpan<byte> hash)
    {
        _first = BinaryPrimitives.ReadUInt128LittleEndian(hash);
        _second = BinaryPrimitives.ReadUInt128LittleEndian(hash[16..]);
    }

    /// <summary>The digest of <paramref name="token"/>.</summary>
    /// <param name="token">The token as sent, without the <c>Bearer</c> scheme.</param>
    /// <returns>Its digest.</returns>
    public static TokenDigest Of(ReadOnlySpan<char> token)
    {
        // Exactly the bytes needed: this runs on every request, and a stack buffer is zeroed in full.
        var byteCount = Encoding.UTF8.GetByteCount(token);
        byte[]? rented = null;
        var utf8 = byteCount <= StackLimit ? stackalloc byte[byteCount] : (rented = ArrayPool<byte>.Shared.Rent(byteCount)).AsSpan(0, byteCount);
        Encoding.UTF8.GetBytes(token, utf8);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(utf8, hash);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        return new TokenDigest(hash);
    }

    /// <summary>Compares without an early exit, so the time taken says nothing about how much of a guess was right.</summary>
    /// <param name="other">The digest to compare with.</param>
    /// <returns>Whether both are the same token's.</returns>
    public bool FixedTimeEquals(TokenDigest other) => ((_first ^ other._first) | (_second ^ other._second)) == UInt128.Zero;

    /// <inheritdoc />
    public bool Equals(TokenDigest other) => _first == other._first && _second == other._second;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is TokenDigest other && Equals(other);

    /// <inheritdoc />
    // SHA-256 bits are uniform already; only validated tokens are ever stored, so no one can flood a bucket.
    public override int GetHashCode() => (int)(ulong)_first;

    /// <summary>Whether both are the same token's.</summary>
    public static bool operator ==(TokenDigest left, TokenDigest right) => left.Equals(right);

    /// <summary>Whether they are different tokens'.</summary>
    public static bool operator !=(TokenDigest left, TokenDigest right) => !left.Equals(right);
}
