using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Reminders.Http;

/// <summary>
/// The per-address limit for a Server route whose handler does not call <see cref="RequestRateLimits.Anonymous"/>
/// itself (the OpenAPI document; a new anonymous route): <c>.RequireAnonymousRateLimit()</c>. A Functions trigger
/// calls <see cref="RequestRateLimits.Anonymous"/> first instead; both answer the same 429.
/// </summary>
public static class AnonymousRateLimit
{
    public static TBuilder RequireAnonymousRateLimit<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
            context.HttpContext.RequestServices.GetRequiredService<RequestRateLimits>().Anonymous(context.HttpContext.Request) is { } refused
                ? refused
                : await next(context));
}
