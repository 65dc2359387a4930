namespace AppHost.Hosting;

internal static class ReadyBanner
{
    public const string FirstLine = "AppHost ready";

    public static void Write(TextWriter output, TimeSpan startup, Uri? gateway, ResourceInstance? cache, HostContext context, string secretsPath, string? apiToken)
    {
        var lines = new List<string> { $"{FirstLine} in {startup.TotalMilliseconds:0} ms" };
        if (gateway is not null)
        {
            lines.Add($"  gateway:    {gateway}");
        }

        if (context.DashboardUrl is not null)
        {
            lines.Add($"  dashboard:  {context.DashboardUrl}");
        }

        if (cache is not null)
        {
            lines.Add($"  redis:      {cache.Kind} at {cache.Endpoints[0]}");
        }

        lines.Add($"  data:       {context.DataDirectory}");
        lines.Add($"  secrets:    {secretsPath}");
        if (apiToken is not null)
        {
            lines.Add($"  API token:  {apiToken}");
        }

        lines.Add("Press Ctrl+C to stop.");
        output.WriteLine(string.Join(Environment.NewLine, lines));
    }
}
