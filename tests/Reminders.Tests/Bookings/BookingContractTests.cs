using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Reminders.Tests.Infrastructure;

namespace Reminders.Tests.Bookings;

/// <summary>Bookings over HTTP on both hosts: the calls, their answers and bad input, and the skip a clinic sees.</summary>
public abstract class BookingContractTests(Azurite azurite) : HostedApiTests(azurite)
{
    private static string Day(IApiHost host, int fromToday) => host.DaysAgo(-fromToday);

    [Fact]
    public async Task A_booked_patient_is_held_AlreadyBooked_and_the_patient_view_lists_the_booking()
    {
        var apiKey = await Host.CreateClinicAsync("c1");
        await Host.PostSessionOkAsync(apiKey, new { patientId = "p1", email = "ana@example.com", injectionDate = Host.DaysAgo(80), sessionId = "s1" });

        var created = await Host.SendAsync(HttpMethod.Put, "/api/patients/p1/bookings/b1", apiKey, new { date = Day(Host, 7), treatmentId = "botox-lumbar" });
        var again = await Host.SendAsync(HttpMethod.Put, "/api/patients/p1/bookings/b1", apiKey, new { date = Day(Host, 7), treatmentId = "botox-lumbar" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);

        var sweep = await Host.SweepAsync();
        Assert.Equal((0, 0, 1), (sweep.Count("sent"), sweep.Count("skipped"), sweep.Count("deferred")));
        var patient = (await Host.GetPatientAsync(apiKey, "p1"))!;
        Assert.Equal("Pending", patient.Status("s1"));
        Assert.Equal("AlreadyBooked", patient["sessions"]![0]!["reason"]!.GetValue<string>());
        var booking = Assert.Single(patient["bookings"]!.AsArray())!;
        Assert.Equal(("b1", Day(Host, 7), "botox-lumbar"), (booking["bookingId"]!.GetValue<string>(), booking["date"]!.GetValue<string>(), booking["treatmentId"]!.GetValue<string>()));

        Assert.Equal(HttpStatusCode.NoContent, (await Host.SendAsync(HttpMethod.Delete, "/api/patients/p1/bookings/b1", apiKey)).StatusCode);
        Assert.Equal("Pending", (await Host.GetPatientAsync(apiKey, "p1"))!.Status("s1"));
        Assert.Equal(1, (await Host.SweepAsync()).Count("sent"));
    }

    [Theory]
    [InlineData("{\"date\": \"2000-01-01\"}", "date")]
    [InlineData("{\"date\": \"not a date\"}", "date")]
    [InlineData("{}", "date")]
    [InlineData("{\"date\": \"2099-01-01\"}", "date")]
    [InlineData("{\"date\": \"TOMORROW\", \"treatmentId\": \"a b\"}", "treatmentId")]
    [InlineData("{\"date\": \"TOMORROW\", \"when\": 1}", "when")]
    public async Task A_bad_booking_is_400_naming_the_field_and_changes_nothing(string body, string field)
    {
        var apiKey = await Host.CreateClinicAsync("c1");
        await Host.PostSessionOkAsync(apiKey, new { patientId = "p1", email = "ana@example.com", injectionDate = Host.DaysAgo(80), sessionId = "s1" });
        using var request = new HttpRequestMessage(HttpMethod.Put, "/api/patients/p1/bookings/b1")
        {
            Content = new StringContent(body.Replace("TOMORROW", Day(Host, 1)), System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Api-Key", apiKey);

        var response = await Host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(field, (await response.ProblemAsync())["errors"]!.AsObject().Select(e => e.Key));
        Assert.Empty((await Host.GetPatientAsync(apiKey, "p1"))!["bookings"]!.AsArray());
    }

    [Fact]
    public async Task Unknown_patients_and_bookings_and_other_clinics_are_404()
    {
        var apiKey = await Host.CreateClinicAsync("c1");
        var other = await Host.CreateClinicAsync("c2");
        await Host.PostSessionOkAsync(apiKey, new { patientId = "p1", email = "ana@example.com", injectionDate = Host.DaysAgo(80), sessionId = "s1" });

        Assert.Equal(HttpStatusCode.NotFound, (await Host.SendAsync(HttpMethod.Put, "/api/patients/nobody/bookings/b1", apiKey, new { date = Day(Host, 3) })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Host.SendAsync(HttpMethod.Put, "/api/patients/p1/bookings/b1", other, new { date = Day(Host, 3) })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Host.SendAsync(HttpMethod.Delete, "/api/patients/p1/bookings/none", apiKey)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Host.SendAsync(HttpMethod.Delete, "/api/patients/p1/bookings/b1", null)).StatusCode);
    }
}

public sealed class ServerBookingContractTests(Azurite azurite) : BookingContractTests(azurite)
{
    protected override async Task<IApiHost> StartAsync(TestSettings settings, FakeTimeProvider time) => await ServerHost.StartAsync(settings, time);
}

public sealed class FunctionsBookingContractTests(Azurite azurite) : BookingContractTests(azurite)
{
    protected override async Task<IApiHost> StartAsync(TestSettings settings, FakeTimeProvider time) => await FunctionsHost.StartAsync(settings, time);
}
