using System.Globalization;
using System.Text.RegularExpressions;
using Tenancy.Databases;
using TenantService.Catalog;
using TenantService.Databases;

namespace TenantService.Schemas;

/// <summary>
/// The schema databases every platform has (<c>todos-schema</c>, <c>workspace-schema</c>), kept as
/// numbered SQL files in <c>Schemas/&lt;schema&gt;/NNNN_what.sql</c> next to the service. At start each is
/// created if missing, and every file beyond its version is applied (version = files applied so far).
/// </summary>
internal sealed partial class BuiltInSchemas(
    DatabaseCatalog catalog,
    DatabaseProvisioner provisioner,
    ISchemaChangeRunner runner,
    PlatformOptions options,
    ILogger<BuiltInSchemas> logger)
{
    private string Root => options.SchemasDirectory;

    public async Task EnsureAsync(CancellationToken cancellationToken)
    {
        if (!Directory.Exists(Root))
        {
            LogNoSchemas(logger, Root);
            return;
        }

        foreach (var directory in Directory.GetDirectories(Root).Order(StringComparer.Ordinal))
        {
            var schema = DatabaseName.Parse(Path.GetFileName(directory));
            var files = VersionFiles(directory);
            if (catalog.Find(schema) is not { } entry)
            {
                var created = await provisioner.CreateAsync(new DatabaseSpec(schema, IsSchema: true), cancellationToken);
                if (created.Entry is null)
                {
                    LogNotCreated(logger, schema.Value, created.Outcome.ToString());
                    continue;
                }

                entry = created.Entry;
            }

            if (entry.Kind != DatabaseKind.Schema)
            {
                LogNotASchema(logger, schema.Value, entry.Kind.ToString());
                continue;
            }

            if (entry.Version > files.Count)
            {
                LogAhead(logger, schema.Value, entry.Version, files.Count);
            }

            // Every version, not only those past the schema's own: children left behind by a crash catch up.
            for (var version = 1; version <= files.Count; version++)
            {
                if (version > entry.Version || catalog.ChildrenBelow(schema, version, limit: 1).Count > 0)
                {
                    await runner.ApplyAsync(schema, version, await File.ReadAllTextAsync(files[version - 1], cancellationToken), cancellationToken);
                }
            }
        }
    }

    /// <summary>The files of one schema in version order; their numbers must run 0001, 0002, ... without gaps.</summary>
    internal static IReadOnlyList<string> VersionFiles(string directory)
    {
        var files = Directory.GetFiles(directory, "*.sql").Order(StringComparer.Ordinal).ToList();
        for (var index = 0; index < files.Count; index++)
        {
            var match = VersionFileName().Match(Path.GetFileName(files[index]));
            if (!match.Success || int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) != index + 1)
            {
                throw new InvalidOperationException(
                    $"Schema file '{files[index]}' is out of sequence: name schema files NNNN_what.sql numbered 0001, 0002, ... without gaps (expected {index + 1:D4}_*.sql).");
            }
        }

        return files;
    }

    [GeneratedRegex(@"^(\d{4})_[A-Za-z0-9_\-]+\.sql$")]
    private static partial Regex VersionFileName();

    [LoggerMessage(Level = LogLevel.Warning, Message = "No built-in schemas found at '{Root}'.")]
    private static partial void LogNoSchemas(ILogger logger, string root);

    [LoggerMessage(Level = LogLevel.Error, Message = "Built-in schema database '{Name}' could not be created ({Outcome}).")]
    private static partial void LogNotCreated(ILogger logger, string name, string outcome);

    [LoggerMessage(Level = LogLevel.Error, Message = "'{Name}' is a {Kind} database, not a schema database; its built-in schema files are not applied.")]
    private static partial void LogNotASchema(ILogger logger, string name, string kind);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Schema database '{Name}' is at version {Version}, beyond its {Files} built-in files (migrated through the API); nothing to apply.")]
    private static partial void LogAhead(ILogger logger, string name, int version, int files);
}
