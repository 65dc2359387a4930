using System.Security.Cryptography;
using System.Text;
using Tenancy.Databases;

namespace Tenancy.Tests;

public sealed class TenantIdTests
{
    [Fact]
    public void AClerkIdMapsToTheLowercaseHexMd5OfItsUtf8Bytes()
    {
        // The RFC 1321 test vector: MD5("a").
        Assert.Equal("0cc175b9c0f1b6a831c399e269772661", TenantId.FromClerkId("a").Value);
    }

    [Theory]
    [InlineData("user_2NNEqL2nrIRdJ194ndJqAHwEfxC")]
    [InlineData("org_2abcDEF")]
    [InlineData("usér_ünïcode")]
    public void UsersAndOrganizationsMapTheSameWay(string clerkId)
    {
#pragma warning disable CA5351 // The expected value is computed the obvious way, to check the production path.
        var expected = Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(clerkId)));
#pragma warning restore CA5351
        var name = TenantId.FromClerkId(clerkId);
        Assert.Equal(expected, name.Value);
        Assert.Equal(32, name.Value.Length);
    }
}
