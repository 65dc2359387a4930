using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc;

namespace TodoService.Todos;

/// <summary>Source-generated JSON for the todo API (snake_case and strictness come from the HTTP JSON options).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(Todo))]
[JsonSerializable(typeof(TodoPage))]
[JsonSerializable(typeof(CreateTodoRequest))]
[JsonSerializable(typeof(UpdateTodoRequest))]
[JsonSerializable(typeof(MeResponse))]
[JsonSerializable(typeof(ProblemDetails))]
[JsonSerializable(typeof(HttpValidationProblemDetails))]
internal sealed partial class TodoJsonContext : JsonSerializerContext;
