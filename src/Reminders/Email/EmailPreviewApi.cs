using Microsoft.AspNetCore.Http;
using Reminders.Http;
using Reminders.Plan;

namespace Reminders.Email;

public static class EmailPreviewApi
{
    /// <summary><c>GET /api/email-preview</c> (clinic): the clinic's reminder email rendered with sample data, as HTML.</summary>
    public static async Task<IResult> GetEmailPreview(HttpRequest request, ApiAuthentication auth, ReminderEmailComposer composer, TimeProvider time, CancellationToken ct)
    {
        var clinic = await auth.ClinicAsync(request, ct);
        if (clinic is null) return ApiAuthentication.ClinicKeyRequired();

        var today = clinic.Today(time);
        var email = composer.Compose(new ReminderEmailComposer.Input(
            clinic, PatientId: "preview", ReminderIdentity.For(clinic.Id, "preview", "preview", today),
            Email: "patient@example.com", FirstName: "Alex", ReliefEndsOn: today.AddDays(clinic.RemindDaysBefore), Today: today));
        return TypedResults.Content(email.HtmlBody, "text/html; charset=utf-8");
    }
}
