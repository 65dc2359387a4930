namespace AppHost.Telemetry;

/// The service (OTEL_SERVICE_NAME) and the instance of it (service.instance.id) that sent some telemetry.
internal sealed record TelemetrySource(string Service, string Instance);
