using Tenancy.Databases;
using TenantService.Databases;

namespace TenantService.Tests;

public sealed class SchemaChangeLocksTests
{
    private static readonly DatabaseName Schema = DatabaseName.Parse("todos-schema");

    [Fact]
    public async Task CreatesShareTheSchemasLockAndAMigrationsFinalPhaseWaitsForThemAndHoldsItAlone()
    {
        var locks = new SchemaChangeLocks();
        var first = await locks.ShareAsync(Schema, CancellationToken.None);
        // A second create does not wait for the first.
        var second = await locks.ShareAsync(Schema, CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        var hold = locks.HoldAsync(Schema, CancellationToken.None).AsTask();
        var later = locks.ShareAsync(Schema, CancellationToken.None).AsTask();
        await Task.Delay(100);
        Assert.False(hold.IsCompleted, "the final phase began while two creates still held their shares");
        Assert.False(later.IsCompleted, "a create began while the final phase was waiting for its turn");

        first.Dispose();
        await Task.Delay(100);
        Assert.False(hold.IsCompleted, "the final phase began while a create still held its share");

        second.Dispose();
        var held = await hold.WaitAsync(TimeSpan.FromSeconds(10));
        await Task.Delay(100);
        Assert.False(later.IsCompleted, "a create began while the final phase held the schema's lock");

        held.Dispose();
        (await later.WaitAsync(TimeSpan.FromSeconds(10))).Dispose();
    }

    [Fact]
    public async Task AFinalPhaseThatGivesUpWaitingLetsCreatesIn()
    {
        var locks = new SchemaChangeLocks();
        var create = await locks.ShareAsync(Schema, CancellationToken.None);
        using var giveUp = new CancellationTokenSource();

        var hold = locks.HoldAsync(Schema, giveUp.Token).AsTask();
        await giveUp.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => hold);
        (await locks.ShareAsync(Schema, CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(10))).Dispose();
        create.Dispose();
        (await locks.HoldAsync(Schema, CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(10))).Dispose();
    }
}
