using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace AppHost.Dashboard;

/// The page, script and styles, embedded in the AppHost so the dashboard needs no files next to it.
internal static class DashboardAssets
{
    private static readonly (string Path, string Resource, string ContentType)[] Files =
    [
        ("/", "index.html", "text/html; charset=utf-8"),
        ("/app.js", "app.js", "text/javascript; charset=utf-8"),
        ("/app.css", "app.css", "text/css; charset=utf-8"),
    ];

    public static IEndpointRouteBuilder MapDashboardAssets(this IEndpointRouteBuilder app)
    {
        foreach (var (path, resource, contentType) in Files)
        {
            var content = Read(resource);
            app.MapGet(path, () => TypedResults.Bytes(content, contentType)).ExcludeFromDescription();
        }

        return app;
    }

    private static byte[] Read(string name)
    {
        using var stream = typeof(DashboardAssets).Assembly.GetManifestResourceStream($"Dashboard/{name}")
            ?? throw new InvalidOperationException($"The dashboard asset '{name}' is not embedded; check AppHost.csproj's EmbeddedResource items.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
