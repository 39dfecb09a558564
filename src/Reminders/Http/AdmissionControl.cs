using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Reminders.Configuration;

namespace Reminders.Http;

/// <summary>
/// Overload is input too: past <c>Reminders:MaxConcurrentRequests</c> a request waits at most
/// <c>Reminders:MaxRequestWait</c> for its turn, then gets 503 with <c>Retry-After</c> (seconds, as HTTP defines it) and
/// <c>retry-after-ms</c> (milliseconds, as Azure clients read it). A request is never queued for seconds. The health
/// check is never refused. (On Azure Functions the host does the same, from host.json's http limits.)
/// </summary>
public static class AdmissionControl
{
    public const int RetryAfterMilliseconds = 250;

    public static IApplicationBuilder UseAdmissionControl(this IApplicationBuilder app)
    {
        // Read on the first request, so a bad setting is reported by start-up validation like every other one.
        var settings = new Lazy<(RemindersOptions Options, SemaphoreSlim Permits)>(() =>
        {
            var options = app.ApplicationServices.GetRequiredService<IOptions<RemindersOptions>>().Value;
            return (options, new SemaphoreSlim(options.MaxConcurrentRequests, options.MaxConcurrentRequests));
        });
        return app.Use(async (context, next) =>
        {
            var (options, permits) = settings.Value;
            if (context.Request.Path.StartsWithSegments("/api/health"))
            {
                await next(context);
                return;
            }
            if (!await permits.WaitAsync(options.MaxRequestWait, context.RequestAborted))
            {
                context.Response.Headers.RetryAfter = "1";
                context.Response.Headers["retry-after-ms"] = RetryAfterMilliseconds.ToString();
                await Problems.Unavailable("The service is at capacity; try again after the time in retry-after-ms.").ExecuteAsync(context);
                return;
            }
            try
            {
                await next(context);
            }
            finally
            {
                permits.Release();
            }
        });
    }
}
