using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Reminders.Tests.Infrastructure;

/// <summary>The API's calls as a clinic system or an operator makes them.</summary>
public static class ApiCalls
{
    public static async Task<HttpResponseMessage> PutClinicAsync(this IApiHost host, string clinicId, object body, string? adminKey = TestSettings.AdminKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/clinics/{clinicId}") { Content = JsonContent.Create(body) };
        if (adminKey is not null) request.Headers.Add("X-Admin-Key", adminKey);
        return await host.Client.SendAsync(request);
    }

    /// <summary>An admin call (<c>X-Admin-Key</c>, the right one unless <paramref name="adminKey"/> says otherwise) without a body.</summary>
    public static async Task<HttpResponseMessage> AdminSendAsync(this IApiHost host, HttpMethod method, string path, string? adminKey = TestSettings.AdminKey)
    {
        using var request = new HttpRequestMessage(method, path);
        if (adminKey is not null) request.Headers.Add("X-Admin-Key", adminKey);
        return await host.Client.SendAsync(request);
    }

    /// <summary>The token of a staff sign-in link: what follows <c>#sign-in=</c>, the part a browser keeps to itself.</summary>
    public static string SignInTokenOf(string url) => url[(url.IndexOf("#sign-in=", StringComparison.Ordinal) + "#sign-in=".Length)..];

    /// <summary>Madrid clinic with the default windows unless <paramref name="settings"/> says otherwise; returns its API key.</summary>
    public static async Task<string> CreateClinicAsync(this IApiHost host, string clinicId, Dictionary<string, object?>? settings = null)
    {
        var body = new Dictionary<string, object?>
        {
            ["name"] = "Clínica Lumbar " + clinicId,
            ["timeZone"] = "Europe/Madrid",
            ["bookingUrl"] = $"https://{clinicId}.example.com/book",
            ["replyTo"] = $"desk@{clinicId}.example.com",
        };
        foreach (var (k, v) in settings ?? []) body[k] = v;
        var response = await host.PutClinicAsync(clinicId, body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var json = await response.Content.ReadFromJsonAsync<JsonObject>();
        return json!["apiKey"]!.GetValue<string>();
    }

    public static async Task<HttpResponseMessage> SendAsync(this IApiHost host, HttpMethod method, string path, string? apiKey, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = JsonContent.Create(body);
        if (apiKey is not null) request.Headers.Add("X-Api-Key", apiKey);
        return await host.Client.SendAsync(request);
    }

    public static Task<HttpResponseMessage> PostSessionAsync(this IApiHost host, string apiKey, object body) =>
        host.SendAsync(HttpMethod.Post, "/api/sessions", apiKey, body);

    public static async Task<JsonObject> PostSessionOkAsync(this IApiHost host, string apiKey, object body)
    {
        var response = await host.PostSessionAsync(apiKey, body);
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    public static async Task<JsonObject?> GetPatientAsync(this IApiHost host, string apiKey, string patientId)
    {
        var response = await host.SendAsync(HttpMethod.Get, $"/api/patients/{patientId}", apiKey);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonObject>();
    }

    public static async Task<JsonObject> SweepAsync(this IApiHost host)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/sweeps");
        request.Headers.Add("X-Admin-Key", TestSettings.AdminKey);
        var response = await host.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    /// <summary>The reminders of one send-plan page (<c>{"reminders": [...], "continuationToken": ...}</c>).</summary>
    public static async Task<JsonArray> PlanPageAsync(this HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonObject>())!["reminders"]!.AsArray();

    public static int Count(this JsonObject sweep, string transition) => sweep[transition]!.GetValue<int>();

    public static string Status(this JsonObject patient, string sessionId) =>
        patient["sessions"]!.AsArray().Single(s => s!["sessionId"]!.GetValue<string>() == sessionId)!["status"]!.GetValue<string>();

    public static async Task<JsonObject> ProblemAsync(this HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonSerializer.Deserialize<JsonObject>(await response.Content.ReadAsStringAsync())!;
    }

    /// <summary>The clinic-local date <paramref name="days"/> before the test clock's today, as the API writes dates.</summary>
    public static string DaysAgo(this IApiHost host, int days, string timeZone = "Europe/Madrid") =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(host.Time.GetUtcNow(), TimeZoneInfo.FindSystemTimeZoneById(timeZone)).DateTime)
            .AddDays(-days).ToString("yyyy-MM-dd");
}
