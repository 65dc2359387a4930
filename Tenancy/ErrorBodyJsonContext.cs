using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tenancy;

/// <summary>Source-generated JSON for <see cref="ErrorBody"/>, camelCase as the web defaults write it: no reflection, so native AOT builds keep it.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ErrorBody))]
internal sealed partial class ErrorBodyJsonContext : JsonSerializerContext;
