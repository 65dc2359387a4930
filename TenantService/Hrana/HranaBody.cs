using System.Buffers;
using Microsoft.AspNetCore.Http.Features;

namespace TenantService.Hrana;

/// <summary>Reads a pipeline body up to the endpoint's own limit (10 MiB), whatever limit the server sets for other routes.</summary>
internal static class HranaBody
{
    public static async ValueTask<(ReadOnlyMemory<byte> Body, HranaHttpError? Error)> ReadAsync(HttpContext context, long limit)
    {
        if (context.Request.ContentLength > limit)
        {
            return (default, TooLarge(limit));
        }

        // Raise the server's general limit for this route; this endpoint counts bytes itself below.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeLimit)
        {
            sizeLimit.MaxRequestBodySize = limit + 1;
        }

        // Sized to a declared length (plus the byte that shows the end), the body is read without growing or zeroing more.
        var buffer = new ArrayBufferWriter<byte>(context.Request.ContentLength is long length and > 0 ? (int)length + 1 : 4096);
        while (true)
        {
            var read = await context.Request.Body.ReadAsync(buffer.GetMemory(), context.RequestAborted);
            if (read == 0)
            {
                break;
            }

            buffer.Advance(read);
            if (buffer.WrittenCount > limit)
            {
                return (default, TooLarge(limit));
            }
        }

        return buffer.WrittenCount == 0
            ? (default, new HranaHttpError(StatusCodes.Status400BadRequest, new HranaError(
                "The request body is empty; send a JSON object {\"baton\": null, \"requests\": [...]}.", HranaErrorCodes.ProtocolError)))
            : (buffer.WrittenMemory, null);
    }

    private static HranaHttpError TooLarge(long limit) => new(StatusCodes.Status413PayloadTooLarge, new HranaError(
        $"The request body is larger than the limit of {limit} bytes ({limit / (1024 * 1024)} MiB) for a libSQL pipeline; split the work into several pipelines.",
        HranaErrorCodes.BodyTooLarge));
}
