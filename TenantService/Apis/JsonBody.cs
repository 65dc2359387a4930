using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace TenantService.Apis;

/// <summary>
/// A JSON request body read with the platform API's size limit. Binding never fails: a missing,
/// oversized or malformed body is kept as a problem for <see cref="CreateDatabaseValidationFilter"/>
/// to answer with <c>{"error"}</c>, instead of the framework's empty 400.
/// </summary>
internal sealed class JsonBody<T> where T : class
{
    private JsonBody(T? value, int problemStatus, string? problem)
    {
        Value = value;
        ProblemStatus = problemStatus;
        Problem = problem;
    }

    public T? Value { get; }

    /// <summary>400 or 413 when <see cref="Problem"/> is set.</summary>
    public int ProblemStatus { get; }

    public string? Problem { get; }

    public static async ValueTask<JsonBody<T>?> BindAsync(HttpContext context)
    {
        const long limit = PlatformOptions.MaxRequestBodyBytes;
        var tooLarge = $"request body is larger than the limit of {limit} bytes (1 MiB)";
        if (context.Request.ContentLength > limit)
        {
            return Fail(StatusCodes.Status413PayloadTooLarge, tooLarge);
        }

        var buffer = new ArrayBufferWriter<byte>(512);
        while (true)
        {
            var memory = buffer.GetMemory(4096);
            var read = await context.Request.Body.ReadAsync(memory, context.RequestAborted);
            if (read == 0)
            {
                break;
            }

            buffer.Advance(read);
            if (buffer.WrittenCount > limit)
            {
                return Fail(StatusCodes.Status413PayloadTooLarge, tooLarge);
            }
        }

        if (buffer.WrittenCount == 0)
        {
            return Fail(StatusCodes.Status400BadRequest, "request body is required: a JSON object");
        }

        // The app's JSON options hold every source-generated context registered, this API's and others'.
        var options = context.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var typeInfo = (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T));
        try
        {
            var value = JsonSerializer.Deserialize(buffer.WrittenSpan, typeInfo);
            return value is null
                ? Fail(StatusCodes.Status400BadRequest, "request body must be a JSON object, not null")
                : new JsonBody<T>(value, 0, null);
        }
        catch (JsonException exception)
        {
            return Fail(StatusCodes.Status400BadRequest, Describe(exception, typeInfo));
        }
    }

    private static JsonBody<T> Fail(int status, string problem) => new(null, status, problem);

    private static string Describe(JsonException exception, JsonTypeInfo root)
    {
        var path = exception.Path;
        // A conversion failure has an InnerException-free message starting like this; a syntax error does not.
        var wrongType = exception.Message.StartsWith("The JSON value could not be converted", StringComparison.Ordinal);
        if (wrongType && (path is null or "$"))
        {
            return "request body must be a JSON object";
        }

        if (wrongType)
        {
            return $"'{path![2..]}' has the wrong type: expected {ExpectedType(root, path[2..])}";
        }

        var position = exception.LineNumber is { } line
            ? $" at line {line + 1}, byte {exception.BytePositionInLine + 1}"
            : "";
        return $"request body is not valid JSON{position}";
    }

    /// <summary>Follows a path such as <c>seed.name</c> through the contract to say what its value should be.</summary>
    private static string ExpectedType(JsonTypeInfo root, string path)
    {
        var current = root;
        foreach (var segment in path.Split('.'))
        {
            var property = current.Properties.FirstOrDefault(p => p.Name == segment);
            if (property is null)
            {
                return "another type";
            }

            current = current.Options.GetTypeInfo(property.PropertyType);
        }

        var type = Nullable.GetUnderlyingType(current.Type) ?? current.Type;
        return type == typeof(bool) ? "true or false"
            : type == typeof(string) ? "a string"
            : type.IsPrimitive || type == typeof(decimal) ? "a number"
            : current.Kind == JsonTypeInfoKind.Object ? $"an object with {string.Join(", ", current.Properties.Select(p => $"\"{p.Name}\""))}"
            : "another type";
    }
}
