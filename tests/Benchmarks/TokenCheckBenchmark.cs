using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;
using Tenancy.Identity;

namespace Benchmarks;

/// <summary>
/// <c>token-check [--tokens 100000] [--rotations 1000] [--working-set 2000] [--requests 200000] [--rounds 5]</c>: what the
/// gateway's bearer check costs per request, in process: the real authentication handler (<c>AddTenantAuthentication</c>,
/// the same code the gateway runs before YARP) called as the authentication middleware calls it, with a request scope
/// per request. Session tokens (RS256) and database tokens (HS256) side by side in one process, warm (a working set of
/// tokens already checked once, as clients reuse their token), with <c>--tokens</c> database tokens issued and
/// <c>--rotations</c> rotations in the revocation list; then cold (every request a token not seen before).
/// </summary>
internal static class TokenCheckBenchmark
{
    public static async Task<int> RunAsync(int issued, int rotations, int workingSet, int requests, int rounds)
    {
        Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}; load average before: {BenchmarkCommand.LoadAverage()}");
        using var rsa = RSA.Create(2048);
        var devKey = rsa.ExportPkcs8PrivateKeyPem();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Development" });
        builder.Configuration["DEV_JWT_SIGNING_KEY"] = devKey;
        builder.Configuration["DATABASE_TOKEN_SIGNING_KEY"] = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        builder.Configuration["PLATFORM_API_TOKEN"] = "bench-platform-token";
        builder.Logging.ClearProviders();
        builder.AddTenantAuthentication();
        await using var app = builder.Build();
        var services = app.Services;

        var revocations = services.GetRequiredService<TokenRotations>();
        var rotatedAt = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds();
        for (var i = 0; i < rotations; i++)
        {
            revocations.Apply(i % 2 == 0 ? DatabaseTokens.DatabaseScope($"rotated-{i}") : DatabaseTokens.GroupScope($"rotated-group-{i}"), rotatedAt);
        }

        var issuer = services.GetRequiredService<DatabaseTokenIssuer>();
        var clock = Stopwatch.StartNew();
        var databaseTokens = new (string Token, string Database)[issued];
        Parallel.For(0, issued, i => databaseTokens[i] = (issuer.Issue(new DatabaseTokenGrant($"bench-{i}", "default", ReadOnly: i % 4 == 0, ExpiresAt: DateTimeOffset.UtcNow.AddDays(14))), $"bench-{i}"));
        Console.WriteLine($"{issued:N0} database tokens issued in {clock.Elapsed.TotalSeconds:F1} s; {revocations.Count:N0} rotations in the revocation list");
        var sessionTokens = UserTokens.Mint(devKey, workingSet, i => $"user_bench_{i}")
            .Select(token => (Token: token, Database: (string?)null)).ToArray();

        var session = new List<double>();
        var database = new List<double>();
        for (var round = 1; round <= rounds; round++)
        {
            // Alternating which goes first keeps a slow moment of the machine from always landing on the same path.
            var (first, second) = round % 2 == 1 ? ("session", "database") : ("database", "session");
            foreach (var path in (string[])[first, second])
            {
                var tokens = path == "session" ? sessionTokens : databaseTokens[..workingSet].Select(t => (t.Token, (string?)t.Database)).ToArray();
                await CheckAllAsync(services, tokens, tokens.Length); // warm: every token of the set checked once
                var microseconds = await CheckAllAsync(services, tokens, requests);
                (path == "session" ? session : database).Add(microseconds);
                Console.WriteLine($"round {round}: {path,-8} token, warm: {microseconds:F2} µs per request");
            }
        }

        var cold = await CheckAllAsync(services, databaseTokens[workingSet..].Select(t => (t.Token, (string?)t.Database)).ToArray(), issued - workingSet);
        Console.WriteLine($"database tokens, cold (each seen for the first time: HS256 verified, then remembered): {cold:F2} µs per request");
        Console.WriteLine($"warm medians over {rounds} rounds: session token {Median(session):F2} µs, database token {Median(database):F2} µs, "
            + $"difference {Median(database) - Median(session):+0.00;-0.00} µs (target: at most +5 µs)");
        Console.WriteLine($"load average after: {BenchmarkCommand.LoadAverage()}");
        return 0;
    }

    // Runs `count` checks cycling over `tokens`; the mean cost of one, in microseconds. Each must succeed.
    private static async Task<double> CheckAllAsync(IServiceProvider services, (string Token, string? Database)[] tokens, int count)
    {
        var headers = tokens.Select(t => "Bearer " + t.Token).ToArray();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            var index = i % tokens.Length;
            await using var scope = services.CreateAsyncScope();
            var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
            context.Request.Headers.Authorization = headers[index];
            if (tokens[index].Database is { } name)
            {
                context.Request.RouteValues[TenantPolicies.DatabaseRouteValue] = name;
            }

            var result = await context.AuthenticateAsync(TenantAuthenticationDefaults.Scheme);
            if (!result.Succeeded)
            {
                throw new InvalidOperationException($"A benchmark token was refused: {result.Failure?.Message}");
            }
        }

        return clock.Elapsed.TotalMicroseconds / count;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
