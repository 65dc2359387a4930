using System.Reflection;
using System.Runtime.ExceptionServices;
using AppHost.Hosting;

namespace Testing;

/// <summary>
/// Boots an AppHost through its real entry point, as Aspire's testing builder does: Program's
/// <c>builder.Build().Run()</c> hands the built app to the test instead of blocking.
/// </summary>
public static class DistributedApplicationTestingBuilder
{
    /// <summary>Runs <typeparamref name="TEntryPoint"/>'s Main with <paramref name="args"/> and returns the built, not yet started, app.</summary>
    public static DistributedApplication Create<TEntryPoint>(params string[] args) where TEntryPoint : class
    {
        var entryPoint = typeof(TEntryPoint).Assembly.EntryPoint
            ?? throw new InvalidOperationException($"{typeof(TEntryPoint).Assembly.GetName().Name} has no entry point.");
        DistributedApplication? captured = null;
        DistributedApplication.RunInterceptor.Value = app => captured = app;
        try
        {
            entryPoint.Invoke(null, entryPoint.GetParameters().Length == 0 ? null : [args]);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
        }
        finally
        {
            DistributedApplication.RunInterceptor.Value = null;
        }

        return captured ?? throw new InvalidOperationException($"{typeof(TEntryPoint).Assembly.GetName().Name}'s entry point returned without calling Run().");
    }

    /// <summary>Creates the app and starts it; completes once every resource is healthy.</summary>
    public static async Task<DistributedApplication> StartAsync<TEntryPoint>(string[] args, CancellationToken cancellationToken = default) where TEntryPoint : class
    {
        var app = Create<TEntryPoint>(args);
        try
        {
            await app.StartAsync(cancellationToken);
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }
}
