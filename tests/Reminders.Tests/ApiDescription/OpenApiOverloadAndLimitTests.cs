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
