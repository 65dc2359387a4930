using System.Text.Json;
using Microsoft.Extensions.Configuration;

namespace AppHost.Secrets;

/// `$DATA_DIR/secrets.json`: dev secrets generated once, kept readable only by the user, reused on later runs.
internal static class DevSecretStore
{
    public const string FileName = "secrets.json";

    public static IReadOnlyDictionary<string, string> LoadOrCreate(string path, IConfiguration configuration, IReadOnlyList<DevSecret> secrets)
    {
        var stored = File.Exists(path)
            ? JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(path)) ?? []
            : [];
        var changed = false;
        var result = new Dictionary<string, string>();
        foreach (var secret in secrets)
        {
            if (configuration[secret.Name] is { Length: > 0 } configured)
            {
                result[secret.Name] = configured;
                continue;
            }

            if (!stored.TryGetValue(secret.Name, out var value) || value.Length == 0)
            {
                value = secret.Generate();
                stored[secret.Name] = value;
                changed = true;
            }

            result[secret.Name] = value;
        }

        if (changed)
        {
            Save(path, stored);
        }

        return result;
    }

    private static void Save(string path, Dictionary<string, string> secrets)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var json = JsonSerializer.Serialize(secrets, new JsonSerializerOptions { WriteIndented = true });
        var temporary = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(temporary, options))
        {
            writer.Write(json);
        }

        if (!OperatingSystem.IsWindows())
        {
            // UnixCreateMode only applies to new files; a leftover temp file keeps its old mode otherwise.
            File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
