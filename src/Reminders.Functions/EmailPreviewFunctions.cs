using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Reminders.Clinics;
using Reminders.Email;
using Reminders.Http;

namespace Reminders.Functions;

public sealed class EmailPreviewFunctions(ApiAuthentication auth, ClinicDirectory clinics, PreviewLinks links, EmailTemplates templates,
    ReminderEmailComposer composer, TimeProvider time)
{
    /// <summary>Anonymous: a browser opening a preview link carries no function key; the clinic key or the sealed link is the credential.</summary>
    [Function("GetEmailPreview")]
    public Task<IResult> GetEmailPreview(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "email-preview")] HttpRequest request, CancellationToken ct) =>
        EmailPreviewApi.GetEmailPreview(request, auth, clinics, links, templates, composer, time, ct);

    [Function("CreatePreviewLink")]
    public Task<IResult> CreatePreviewLink(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "clinics/{clinicId}/preview-link")] HttpRequest request, string clinicId, CancellationToken ct) =>
        EmailPreviewApi.CreatePreviewLink(request, clinicId, auth, links, ct);
}
