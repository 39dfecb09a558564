using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Reminders.ApiDescription;

namespace Reminders.Functions;

/// <summary>Anonymous, like the Server's: the description holds no secret, and API tools fetch it without keys.</summary>
public sealed class OpenApiFunctions(Reminders.Http.RequestRateLimits limits)
{
    [Function("GetOpenApiDocument")]
    public Task<IResult> GetOpenApiDocument(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "openapi.json")] HttpRequest request) =>
        OpenApiDocumentApi.GetDocument(request, limits);
}
