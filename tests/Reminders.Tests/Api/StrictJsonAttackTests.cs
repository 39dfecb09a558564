using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Reminders.Tests.Infrastructure;

namespace Reminders.Tests.Api;

/// <summary>
/// Strict JSON bodies under attack on the Server: duplicate keys (also in the batch wrapper), case variants, nested
/// unknown fields, bytes that are not UTF-8. Each is a 400 naming the field; none is a 500 or silently ignored.
/// </summary>
public sealed class StrictJsonAttackTests(Azurite azurite) : IAsyncLifetime
{
    private ServerHost _host = null!;
    private string _apiKey = "";

    public async ValueTask InitializeAsync()
    {
        _host = await ServerHost.StartAsync(new TestSettings(azurite.ConnectionString), TestClock.New());
        _apiKey = await _host.CreateClinicAsync("c1");
    }

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    private Task<HttpResponseMessage> SendRawAsync(HttpMethod method, string path, byte[] body, bool admin = false)
    {
        var request = new HttpRequestMessage(method, path) { Content = new ByteArrayContent(body) { Headers = { ContentType = new("application/json") } } };
        request.Headers.Add(admin ? "X-Admin-Key" : "X-Api-Key", admin ? TestSettings.AdminKey : _apiKey);
        return _host.Client.SendAsync(request);
    }

    private Task<HttpResponseMessage> SendRawAsync(HttpMethod method, string path, string body, bool admin = false) =>
        SendRawAsync(method, path, Encoding.UTF8.GetBytes(body), admin);

    private static async Task<JsonObject> AssertBadRequestNamingAsync(HttpResponseMessage response, string field)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {text}");
        var problem = JsonNode.Parse(text)!.AsObject();
        Assert.True(problem["errors"]?[field] is not null, $"no error for {field}: {text}");
        return problem;
    }

    private string Item(string patientId) => $$"""{"patientId":"{{patientId}}","email":"{{patientId}}@example.com","injectionDate":"{{_host.DaysAgo(10)}}"}""";

    [Fact]
    public async Task A_batch_with_sessions_twice_is_400_and_registers_neither_list()
    {
        var response = await SendRawAsync(HttpMethod.Post, "/api/sessions/batch", $$"""{"sessions":[{{Item("first")}}],"sessions":[{{Item("second")}}]}""");

        await AssertBadRequestNamingAsync(response, "sessions");
        Assert.Null(await _host.GetPatientAsync(_apiKey, "first"));
        Assert.Null(await _host.GetPatientAsync(_apiKey, "second"));
    }

    [Fact]
    public async Task A_batch_wrapper_spelt_with_other_casing_is_400()
    {
        var response = await SendRawAsync(HttpMethod.Post, "/api/sessions/batch", $$"""{"Sessions":[{{Item("first")}}]}""");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(await _host.GetPatientAsync(_apiKey, "first"));
    }

    [Fact]
    public async Task A_batch_item_naming_a_field_twice_in_different_casing_fails_that_item_alone()
    {
        var d = _host.DaysAgo(10);
        var response = await SendRawAsync(HttpMethod.Post, "/api/sessions/batch",
            $$"""{"sessions":[{"patientId":"a","PatientID":"b","email":"a@example.com","injectionDate":"{{d}}"},{{Item("ok")}},{"patientId":"c","email":"c@example.com","injectionDate":"{{d}}","relief_days":200}]}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var results = (await response.Content.ReadFromJsonAsync<JsonObject>())!["results"]!.AsArray();
        Assert.Equal([400, 201, 400], results.Select(r => r!["status"]!.GetValue<int>()));
        Assert.NotNull(results[2]!["problem"]!["errors"]!["relief_days"]);
        Assert.Null(await _host.GetPatientAsync(_apiKey, "a"));
        Assert.Null(await _host.GetPatientAsync(_apiKey, "b"));
    }

    [Theory]
    [InlineData("""{"reliefDays":30,"ReliefDays":90}""", "ReliefDays")]
    [InlineData("""{"reliefdays":30,"reliefDays":90}""", "reliefDays")]
    [InlineData("""{"branding":{"accentColor":"#000000"}}""", "branding")]
    [InlineData("""{"reliefDays":{"value":30}}""", "reliefDays")]
    [InlineData("""{"relief_days":30}""", "relief_days")]
    public async Task A_clinic_body_with_a_duplicate_nested_or_misspelt_field_is_400_naming_it(string extra, string field)
    {
        var body = JsonNode.Parse("""{"name":"C1","timeZone":"Europe/Madrid","bookingUrl":"https://c1.example.com/book"}""")!.AsObject().ToJsonString();
        var raw = body.TrimEnd('}') + "," + extra.TrimStart('{');
        await AssertBadRequestNamingAsync(await SendRawAsync(HttpMethod.Put, "/api/clinics/c1", raw, admin: true), field);
    }

    [Fact]
    public async Task Bytes_that_are_not_utf8_in_a_value_or_a_name_are_400_not_500()
    {
        var value = Encoding.UTF8.GetBytes($$"""{"patientId":"p\u0001","email":"x@example.com","injectionDate":"{{_host.DaysAgo(1)}}","firstName":"AB"}""").ToList();
        var at = value.IndexOf((byte)'A');
        value[at] = 0xC3; value[at + 1] = 0x28; // an invalid two-byte sequence
        Assert.Equal(HttpStatusCode.BadRequest, (await SendRawAsync(HttpMethod.Post, "/api/sessions", [.. value])).StatusCode);

        var name = Encoding.UTF8.GetBytes($$"""{"patientId":"p1","email":"x@example.com","injectionDate":"{{_host.DaysAgo(1)}}","AB":1}""");
        var n = Array.IndexOf(name, (byte)'A');
        name[n] = 0xFF;
        Assert.Equal(HttpStatusCode.BadRequest, (await SendRawAsync(HttpMethod.Post, "/api/sessions", name)).StatusCode);
        var batch = await SendRawAsync(HttpMethod.Post, "/api/sessions/batch", Encoding.UTF8.GetBytes("""{"sessions":[""").Concat(name).Concat("]}"u8.ToArray()).ToArray());
        Assert.Contains(batch.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.BadRequest });
        Assert.Null(await _host.GetPatientAsync(_apiKey, "p1"));
    }
}
