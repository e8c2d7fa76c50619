namespace DompetKilat.Api.Security;

/// <summary>
/// Headers that suit a JSON API holding personal data: nothing is cached, sniffed, framed or
/// referred onwards. The interactive reference page (Development only) keeps the browser defaults.
/// </summary>
internal sealed class SecurityHeadersMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (context.Request.Path.StartsWithSegments("/v1"))
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers.ContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'";
            headers.CacheControl = "no-store";
            headers["Referrer-Policy"] = "no-referrer";
        }

        return next(context);
    }
}
