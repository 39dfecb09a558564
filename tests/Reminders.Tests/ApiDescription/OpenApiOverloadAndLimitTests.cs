using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Reminders.Tests.Infrastructure;

namespace Reminders.Tests.ApiDescription;

/// <summary>The answers that take some staging to provoke, held to the document like the rest: overload (Server only) and the 501st session.</summary>
public sealed class OpenApiOverloadAndLimitTests(Azurite azurite)
{
    private static OpenApiContract Contract => OpenApiContract.Committed;

    [Fact]
    public async Task The_overload_503_carries_the_declared_retry_headers_and_problem()
    {
        var gate = new StorageGate();
        await using var host = await OneAtATimeServer.StartAsync(azurite.ConnectionString, gate);
        var apiKey = await host.CreateClinicAsync("c1");
        var held = gate.HoldFirst(c => c.IsBatch);

        var first = host.PostSessionAsync(apiKey, new { patientId = "p1", email = "a@example.com", injectionDate = host.DaysAgo(1) });
        await held.Reached;
        using var refused = await host.SendAsync(HttpMethod.Get, "/api/patients/p1", apiKey);
        using var document = await host.Client.GetAsync(OpenApiContract.DocumentPath);
        held.Release();
        await first;

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, document.StatusCode);
        await Contract.AssertConformsAsync(refused);
        await Contract.AssertConformsAsync(document);
    }

    [Fact]
    public async Task The_rate_limit_429_carries_the_declared_retry_headers_and_problem()
    {
        await using var host = await ServerHost.StartAsync(new TestSettings(azurite.ConnectionString)
        {
            Extra = new Dictionary<string, string?>
            {
                ["Reminders:RateLimits:Clinic:PermitsPerSecond"] = "0.0001",
                ["Reminders:RateLimits:Clinic:Burst"] = "1",
                ["Reminders:RateLimits:Anonymous:PermitsPerSecond"] = "0.0001",
                ["Reminders:RateLimits:Anonymous:Burst"] = "1",
            },
        }, TestClock.New());
        var apiKey = await host.CreateClinicAsync("c1");
        using var allowed = await host.SendAsync(HttpMethod.Get, "/api/patients/p1", apiKey);
        using var document = await host.Client.GetAsync(OpenApiContract.DocumentPath);

        using var clinicRefused = await host.SendAsync(HttpMethod.Get, "/api/patients/p1", apiKey);
        using var anonymousRefused = await host.Client.GetAsync("/api/unsubscribe?token=nonsense");

        Assert.Equal(HttpStatusCode.NotFound, allowed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, document.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, clinicRefused.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, anonymousRefused.StatusCode);
        await Contract.AssertConformsAsync(clinicRefused);
        await Contract.AssertConformsAsync(anonymousRefused);
    }

    [Fact]
    public void Every_operation_a_clinic_or_anyone_may_call_declares_the_429_but_liveness_and_admin_ones()
    {
        var limited = Contract.Operations()
            .Where(o => o.Operation["responses"]!.AsObject().ContainsKey("429"))
            .Select(o => o.Operation["operationId"]!.GetValue<string>()).Order().ToArray();
        Assert.Equal(["CancelBooking", "CancelSession", "CheckIn", "CreatePreviewLink", "DeleteWebhook", "ErasePatient", "GetEmailPreview",
            "GetOpenApiDocument", "GetOwnClinic", "GetPatient", "GetSendPlan", "GetStats", "GetTreatment", "GetWebhook", "Health", "HealthReady", "IssueSignInLink", "LiftBounce",
            "ListTreatments", "ListWebhookDeliveries", "PutBooking", "PutWebhook", "ReceiveEmailEvents", "RegisterSession",
            "RegisterSessions", "ReplayWebhookDelivery", "RevokeStaffSessions", "RotateWebhookSecret", "ShowCheckIn", "ShowCheckInHead", "ShowUnsubscribe", "ShowUnsubscribeHead", "StartStaffSession", "Unsubscribe",
            "ValidateEmailEvents"], limited);
    }

    [Fact]
    public async Task The_501st_session_is_the_declared_422()
    {
        await using var host = await ServerHost.StartAsync(new TestSettings(azurite.ConnectionString), TestClock.New());
        var apiKey = await host.CreateClinicAsync("c1");
        var registration = host.Services.GetRequiredService<Reminders.Sessions.SessionRegistration>();
        var clinic = (await host.Services.GetRequiredService<Reminders.Clinics.ClinicDirectory>().FindAsync("c1", CancellationToken.None))!;
        var day = DateOnly.Parse(host.DaysAgo(3000)); // long expired: no due rows, so seeding stays cheap
        for (var i = 0; i < Reminders.Patients.PatientRecords.MaxSessionsPerPatient; i++)
            await registration.RegisterAsync(clinic, new("p1", "ana@example.com", null, day, $"s{i:000}", null), CancellationToken.None);

        using var response = await host.PostSessionAsync(apiKey, new { patientId = "p1", email = "ana@example.com", injectionDate = host.DaysAgo(1), sessionId = "one-more" });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        await Contract.AssertConformsAsync(response);
    }
}
