using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Reminders.Http;

namespace Reminders.Sessions;

public static class RegisterSessionsApi
{
    /// <summary>
    /// The body's limit: 500 items of a few hundred bytes. Kept under the ~200 KB at which the Functions host's proxy
    /// to the worker was seen to fail with a 500, so both hosts answer the same.
    /// </summary>
    public const int MaxBytes = 192 * 1024;

    /// <summary>One item's answer, in the order of the request: its status code, and the session (2xx) or the problem (4xx).</summary>
    /// <remarks><see cref="Problem"/> is typed object so a validation problem is written with its errors (RFC 9457 extension).</remarks>
    public sealed record ItemResult(int Status, SessionView? Session, object? Problem);

    public sealed record Response(int Created, int Updated, int Failed, IReadOnlyList<ItemResult> Results);

    /// <summary>
    /// <c>POST /api/sessions/batch</c> (clinic): <c>{"sessions": [ ... ]}</c>, up to 500 bodies of <c>POST /api/sessions</c>.
    /// 200 with one result per item, in order; a bad item gets its own 400 problem and never fails the others.
    /// </summary>
    public static async Task<IResult> RegisterSessions(HttpRequest request, ApiAuthentication auth, SessionBatchRegistration batch, TimeProvider time, CancellationToken ct)
    {
        var caller = await auth.ClinicAsync(request, ct);
        if (caller.Clinic is not { } clinic) return caller.Refused;

        var body = await JsonBody.ReadBytesAsync(request, MaxBytes, ct);
        if (body.Error is not null) return body.Error;
        // Checked up front: the document below is read item by item as text, and bytes that are not UTF-8 would throw
        // there (a 500) rather than fail to parse.
        if (!System.Text.Unicode.Utf8.IsValid(body.Value))
            return Problems.Invalid("body", "The body is not valid UTF-8.");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body.Value, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException)
        {
            return Problems.Invalid("body", "Malformed JSON.");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("sessions", out var list) ||
                list.ValueKind != JsonValueKind.Array)
                return Problems.Invalid("sessions", "sessions is required: an array of session bodies, as POST /api/sessions takes.");
            // A misplaced field (one meant for an item, or a typo) is refused as in every other body, not ignored.
            var unknown = new Dictionary<string, string[]>(StringComparer.Ordinal);
            var lists = 0;
            foreach (var property in document.RootElement.EnumerateObject())
                if (property.Name == "sessions") lists++;
                else unknown[property.Name] = [UnknownFields.Message + " The batch body has only sessions."];
            if (unknown.Count > 0) return Problems.Invalid(unknown);
            // The document keeps duplicate names and TryGetProperty finds one of them: a second list would be dropped unseen.
            if (lists > 1) return Problems.Invalid("sessions", "sessions appears more than once: send one list.");
            var count = list.GetArrayLength();
            if (count is 0 or > SessionBatchRegistration.MaxItems)
                return Problems.Invalid("sessions", $"sessions must hold 1 to {SessionBatchRegistration.MaxItems} items.");

            var today = clinic.Today(time);
            var results = new ItemResult?[count];
            var valid = new ValidSession?[count];
            var index = 0;
            foreach (var element in list.EnumerateArray())
            {
                var item = JsonBody.Deserialize<RegisterSessionRequest>(System.Text.Encoding.UTF8.GetBytes(element.GetRawText()), "");
                if (item.Error is not null)
                    results[index] = new ItemResult(400, null, Problems.InvalidDetails(FieldErrors(item.Error)));
                else
                {
                    var validation = new Validation();
                    valid[index] = item.Value!.Validate(clinic, today, validation);
                    if (valid[index] is null) results[index] = new ItemResult(400, null, validation.ToProblemDetails());
                }
                index++;
            }

            var outcomes = await batch.RegisterAsync(clinic, valid, ct);
            for (var i = 0; i < count; i++)
            {
                if (results[i] is not null) continue;
                var outcome = outcomes[i]!;
                results[i] = outcome.Session is not null
                    ? new ItemResult(outcome.Status, outcome.Session, null)
                    : outcome.Status == 400 // an unknown treatment or relief outside its guardrails: as any 400 item
                        ? new ItemResult(400, null, Problems.InvalidDetails(new Dictionary<string, string[]> { [outcome.Field!] = [outcome.Problem!] }))
                    : new ItemResult(outcome.Status, null, new ProblemDetails
                    {
                        Status = outcome.Status, Title = outcome.Status == 409 ? "Conflict." : "The request cannot be carried out.",
                        Detail = outcome.Problem, Extensions = { ["field"] = outcome.Field },
                    });
            }
            return TypedResults.Ok(new Response(
                results.Count(r => r!.Status == 201), results.Count(r => r!.Status == 200), results.Count(r => r!.Status >= 400), results!));
        }
    }

    /// <summary>The errors of a body that did not deserialize (JsonBody answers with a validation problem naming the field).</summary>
    private static IDictionary<string, string[]> FieldErrors(IResult error) =>
        error is Microsoft.AspNetCore.Http.HttpResults.ValidationProblem problem
            ? problem.ProblemDetails.Errors
            : new Dictionary<string, string[]> { ["body"] = ["A JSON object is required."] };
}
