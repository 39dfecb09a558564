using System.Net;
using System.Text;

namespace Reminders.Tests.ApiDescription;

/// <summary>The checker the conformance tests rely on can fail: each way a response can break the document is caught.</summary>
public sealed class OpenApiContractSelfTests
{
    private const string Session = """
        {"patientId":"p1","sessionId":"s1","injectionDate":"2026-03-01","reliefDays":90,"reliefEndsOn":"2026-05-30",
         "reminderDate":"2026-05-16","cancelled":false,"reminderId":"9b2f8c8e-4a4f-4f59-9d55-0d6f2d0f1a11","status":"Pending",
         "reason":null,"detail":null,"sentAt":null,"messageId":null}
        """;

    private static Task<List<string>> Check(HttpMethod method, string path, HttpStatusCode status, string? body, string mediaType = "application/json")
    {
        var response = new HttpResponseMessage(status)
        {
            RequestMessage = new HttpRequestMessage(method, "http://127.0.0.1" + path),
            Content = body is null ? new ByteArrayContent([]) : new StringContent(body, Encoding.UTF8, mediaType),
        };
        return OpenApiContract.Committed.CheckAsync(response);
    }

    [Fact]
    public async Task A_body_that_matches_its_schema_through_references_passes()
    {
        Assert.Empty(await Check(HttpMethod.Get, "/api/patients/p1", HttpStatusCode.OK,
            $$"""{"patientId":"p1","email":"a@example.com","firstName":null,"optedOut":false,"sessions":[{{Session}}]}"""));
    }

    [Fact]
    public async Task A_missing_required_field_or_a_wrong_type_deep_in_a_referenced_schema_fails()
    {
        Assert.NotEmpty(await Check(HttpMethod.Get, "/api/patients/p1", HttpStatusCode.OK, """{"patientId":"p1"}"""));
        Assert.NotEmpty(await Check(HttpMethod.Get, "/api/patients/p1", HttpStatusCode.OK,
            $$"""{"patientId":"p1","email":null,"firstName":null,"optedOut":false,"sessions":[{{Session.Replace("\"Pending\"", "7")}}]}"""));
        Assert.NotEmpty(await Check(HttpMethod.Post, "/api/sessions", HttpStatusCode.Created, Session.Replace("\"2026-03-01\"", "\"2026-02-30\"")));
    }

    [Fact]
    public async Task An_undeclared_status_content_type_header_or_body_fails()
    {
        Assert.NotEmpty(await Check(HttpMethod.Get, "/api/patients/p1", HttpStatusCode.Conflict, """{"status":409}""", "application/problem+json"));
        Assert.NotEmpty(await Check(HttpMethod.Get, "/api/patients/p1", HttpStatusCode.OK, "patient", "text/plain"));
        Assert.NotEmpty(await Check(HttpMethod.Get, "/api/patients/p1", HttpStatusCode.ServiceUnavailable, """{"status":503}""", "application/problem+json"));
        Assert.NotEmpty(await Check(HttpMethod.Delete, "/api/patients/p1", HttpStatusCode.NoContent, "{}"));
        Assert.NotEmpty(await Check(HttpMethod.Get, "/api/nowhere", HttpStatusCode.OK, "{}"));
    }
}
