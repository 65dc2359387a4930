using System.Diagnostics;
using System.Net;

namespace AppHost.Tests;

[Collection(PlatformCollection.Name)]
public sealed class RestartTests(PlatformFixture platform)
{
    [Fact]
    public async Task KillingAServiceProcessMakesTheAppHostRestartIt()
    {
        ResourceSnapshot TodoService() => platform.Resources.Single(resource => resource.Name == "todoservice");
        Assert.True(await Eventually.TrueAsync(() => TodoService().Health == ResourceHealth.Healthy, TimeSpan.FromSeconds(60)));
        var before = TodoService();

        using (var process = Process.GetProcessById(before.ProcessId!.Value))
        {
            process.Kill();
        }

        Assert.True(
            await Eventually.TrueAsync(() => TodoService() is { State: ResourceState.Running, Health: ResourceHealth.Healthy } after && after.Restarts > before.Restarts, TimeSpan.FromSeconds(60)),
            TodoService().ToString());
        Assert.NotEqual(before.ProcessId, TodoService().ProcessId);
        Assert.True(await Eventually.TrueAsync(
            async () =>
            {
                using var response = await platform.Gateway.GetAsync("/api/todos");
                return response.StatusCode is not (HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable);
            },
            TimeSpan.FromSeconds(30)));
    }
}
