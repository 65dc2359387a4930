using System.Net;
using System.Net.Http.Headers;
using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace Dashboard.Tests;

/// Only callers that present the run's `x-otlp-api-key` may write telemetry.
public sealed class OtlpApiKeyTests(OtlpReceiverFixture receiver) : IClassFixture<OtlpReceiverFixture>
{
    [Theory]
    [InlineData(null)]
    [InlineData("wrong-key")]
    public async Task HttpExportWithoutTheRightKeyIsUnauthorized(string? key)
    {
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(receiver.Receiver.HttpEndpoint, "/v1/traces"))
        {
            Content = new ByteArrayContent([]) { Headers = { ContentType = new MediaTypeHeaderValue("application/x-protobuf") } },
        };
        if (key is not null)
        {
            request.Headers.Add("x-otlp-api-key", key);
        }

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task HttpExportWithTheKeyIsAccepted()
    {
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(receiver.Receiver.HttpEndpoint, "/v1/logs"))
        {
            Content = new ByteArrayContent([]) { Headers = { ContentType = new MediaTypeHeaderValue("application/x-protobuf") } },
        };
        request.Headers.Add("x-otlp-api-key", OtlpReceiverFixture.ApiKey);

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task GrpcExportWithoutTheKeyIsUnauthorized()
    {
        using var client = new HttpClient { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var content = new ByteArrayContent([0, 0, 0, 0, 0]) { Headers = { ContentType = new MediaTypeHeaderValue("application/grpc") } };

        using var response = await client.PostAsync(new Uri(receiver.Receiver.GrpcEndpoint, "/opentelemetry.proto.collector.trace.v1.TraceService/Export"), content);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public void SpansExportedWithAWrongKeyAreNotStored()
    {
        const string sourceName = "Dashboard.Tests.WrongKey";
        using var source = new ActivitySource(sourceName);
        string traceId;
        using (var tracing = Sdk.CreateTracerProviderBuilder()
            .AddSource(sourceName)
            .AddOtlpExporter(OtlpExporters.To(receiver, "grpc", "/v1/traces", apiKey: "wrong-key"))
            .Build())
        {
            using var activity = source.StartActivity("rejected")!;
            traceId = activity.TraceId.ToHexString();
        }

        Assert.Null(receiver.Stores.Traces.Find(traceId));
    }
}
