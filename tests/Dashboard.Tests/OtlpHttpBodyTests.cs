using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using AppHost.Telemetry.Otlp.Collector.Trace;
using AppHost.Telemetry.Otlp.Trace;
using Google.Protobuf;

namespace Dashboard.Tests;

/// What the HTTP receiver accepts besides the .NET exporter's plain protobuf bodies.
public sealed class OtlpHttpBodyTests(OtlpReceiverFixture receiver) : IClassFixture<OtlpReceiverFixture>
{
    [Fact]
    public async Task AGzipCompressedBodyIsDecoded()
    {
        var traceId = Convert.FromHexString("0af7651916cd43dd8448eb211c80319c");
        var export = new ExportTraceServiceRequest
        {
            ResourceSpans =
            {
                new ResourceSpans
                {
                    ScopeSpans = { new ScopeSpans { Spans = { new Span { TraceId = ByteString.CopyFrom(traceId), SpanId = ByteString.CopyFrom(new byte[8] { 1, 2, 3, 4, 5, 6, 7, 8 }), Name = "compressed" } } } },
                },
            },
        };
        using var compressed = new MemoryStream();
        await using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            export.WriteTo(gzip);
        }

        using var response = await PostAsync(compressed.ToArray(), "application/x-protobuf", "gzip");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var span = Assert.Single(receiver.Stores.Traces.Find("0af7651916cd43dd8448eb211c80319c")!.Spans);
        Assert.Equal(("compressed", "unknown_service"), (span.Name, span.Source.Service));
    }

    [Fact]
    public async Task JsonBodiesAreRefusedWithTheSettingToUse()
    {
        using var response = await PostAsync("{}"u8.ToArray(), "application/json", encoding: null);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Contains("OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AMalformedBodyIsABadRequest()
    {
        using var response = await PostAsync([0x0a, 0xff, 0xff], "application/x-protobuf", encoding: null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    private async Task<HttpResponseMessage> PostAsync(byte[] body, string contentType, string? encoding)
    {
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(receiver.Receiver.HttpEndpoint, "/v1/traces"))
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue(contentType) } },
        };
        if (encoding is not null)
        {
            request.Content.Headers.ContentEncoding.Add(encoding);
        }

        request.Headers.Add("x-otlp-api-key", OtlpReceiverFixture.ApiKey);
        return await client.SendAsync(request);
    }
}
