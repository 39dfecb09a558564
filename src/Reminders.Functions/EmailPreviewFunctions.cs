using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Reminders.Email;
using Reminders.Http;

namespace Reminders.Functions;

public sealed class EmailPreviewFunctions(ApiAuthentication auth, ReminderEmailComposer composer, TimeProvider time)
{
    [Function("GetEmailPreview")]
    public Task<IResult> GetEmailPreview(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "email-preview")] HttpRequest request, CancellationToken ct) =>
        EmailPreviewApi.GetEmailPreview(request, auth, composer, time, ct);
}
