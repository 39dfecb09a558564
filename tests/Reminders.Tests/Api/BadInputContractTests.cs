using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Reminders.Storage;
using Reminders.Tests.Infrastructure;

namespace Reminders.Tests.Api;

/// <summary>
/// Bad input, run against both hosts (see the two subclasses at the end of the file): every bad request is a 4xx
/// with an RFC 9457 problem body that names the offending field, never a 500, and it changes nothing that is stored.
/// "Changes nothing" is checked on every row of every table (ETag and all properties), not just on the row the
/// request aimed at, plus the API's own view where there is one, and a sweep afterwards that must send nothing.
/// </summary>
public abstract class BadInputContractTests(Azurite azurite) : HostedApiTests(azurite)
{
    private const string Clinic = "c1";
    private const string SeededPatient = "p1";
    private const string SeededSession = "s1";
    /// <summary>A valid id nobody has used: a bad request for it must not create it.</summary>
    private const string NewPatient = "new-patient";

    private string _apiKey = "";

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        _apiKey = await Host.CreateClinicAsync(Clinic);
        // An existing patient with a pending reminder, so "unchanged" is about real rows, not an empty store.
        await Host.PostSessionOkAsync(_apiKey, new { patientId = SeededPatient, email = "ana@example.com", firstName = "Ana", injectionDate = Host.DaysAgo(10), sessionId = SeededSession });
    }


    // ---------------------------------------------------------------- POST /api/sessions: the body as a whole

    [Theory]
    [InlineData("{")]
    [InlineData("[1,2]")]
    [InlineData("null")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\"a string\"")]
    [InlineData("42")]
    [InlineData("{} {}")]
    [InlineData("{\"patientId\":\"new-patient\"")]
    [InlineData("{/* a comment */}")]
    public async Task A_malformed_session_body_is_400_naming_the_body(string raw)
    {
        await AssertRejectedAsync(() => PostSessionRawAsync(raw), HttpStatusCode.BadRequest, "body");
        await AssertNewPatientAbsentAsync();
    }

    [Theory]
    [InlineData("patientId")]
    [InlineData("email")]
    [InlineData("firstName")]
    [InlineData("injectionDate")]
    [InlineData("sessionId")]
    public async Task Invalid_utf8_or_a_lone_surrogate_in_a_field_is_400_naming_it(string field)
    {
        // Bytes that are not UTF-8 inside the field's string, then an escaped lone surrogate (valid JSON, not valid text).
        var body = ValidSessionBody();
        body[field] = "MARK";
        var json = body.ToJsonString();
        var at = json.IndexOf("MARK", StringComparison.Ordinal);
        var bytes = Encoding.UTF8.GetBytes(json[..at]).Concat(new byte[] { 0xFF, 0xC3, 0x28 }).Concat(Encoding.UTF8.GetBytes(json[(at + 4)..])).ToArray();
        await AssertRejectedAsync(() => Host.Client.SendAsync(Request(HttpMethod.Post, "/api/sessions", new ByteArrayContent(bytes) { Headers = { ContentType = new("application/json") } })),
            HttpStatusCode.BadRequest, field);
        await AssertRejectedAsync(() => PostSessionRawAsync(json.Replace("MARK", "\\ud800", StringComparison.Ordinal)), HttpStatusCode.BadRequest, field);
        await AssertNewPatientAbsentAsync();
    }

    [Fact]
    public async Task Json_nested_too_deep_is_400_not_500()
    {
        var deep = new string('[', 200) + new string(']', 200);
        await AssertRejectedAsync(() => PostSessionRawAsync($$"""{"patientId":"new-patient","extra":{{deep}}}"""), HttpStatusCode.BadRequest, "extra");
        await AssertRejectedAsync(() => PostSessionRawAsync(deep), HttpStatusCode.BadRequest, "body");
        await AssertNewPatientAbsentAsync();
    }

    [Fact]
    public async Task An_empty_object_is_400_naming_every_required_field()
    {
        var problem = await AssertRejectedAsync(() => PostSessionRawAsync("{}"), HttpStatusCode.BadRequest, "patientId", "email", "injectionDate");
        Assert.Equal(3, problem["errors"]!.AsObject().Count);
    }

    [Theory]
    [InlineData("""{"reliefDays":"90"}""", "reliefDays")]
    [InlineData("""{"reliefDays":90.5}""", "reliefDays")]
    [InlineData("""{"reliefDays":1e2}""", "reliefDays")]
    [InlineData("""{"reliefDays":99999999999}""", "reliefDays")]
    [InlineData("""{"reliefDays":true}""", "reliefDays")]
    [InlineData("""{"patientId":12345}""", "patientId")]
    [InlineData("""{"patientId":{"id":"p"}}""", "patientId")]
    [InlineData("""{"email":["new@example.com"]}""", "email")]
    [InlineData("""{"email":false}""", "email")]
    [InlineData("""{"injectionDate":20260105}""", "injectionDate")]
    [InlineData("""{"firstName":{}}""", "firstName")]
    [InlineData("""{"sessionId":7}""", "sessionId")]
    public async Task A_session_field_of_the_wrong_type_is_400_naming_it(string overrides, string field)
    {
        await AssertRejectedAsync(() => PostSessionAsync(overrides), HttpStatusCode.BadRequest, field);
        await AssertNewPatientAbsentAsync();
    }

    [Theory]
    [InlineData("""{"patientId":null}""", "patientId")]
    [InlineData("""{"patientId":""}""", "patientId")]
    [InlineData("""{"email":null}""", "email")]
    [InlineData("""{"email":""}""", "email")]
    [InlineData("""{"email":"   "}""", "email")]
    [InlineData("""{"injectionDate":null}""", "injectionDate")]
    [InlineData("""{"injectionDate":""}""", "injectionDate")]
    public async Task A_missing_session_field_is_400_naming_it(string overrides, string field)
    {
        await AssertRejectedAsync(() => PostSessionAsync(overrides), HttpStatusCode.BadRequest, field);
        await AssertNewPatientAbsentAsync();
    }

    [Theory]
    [InlineData("no-at")]
    [InlineData("a@b")]
    [InlineData("a b@example.com")]
    [InlineData("<a@example.com>")]
    [InlineData("Ana <a@example.com>")]
    [InlineData("a@example.com ")]
    [InlineData(" a@example.com")]
    [InlineData("a@@example.com")]
    [InlineData("a@.example.com")]
    [InlineData("a@example..com")]
    [InlineData("a@example.com.")]
    [InlineData("a@example.com\r\nBcc: victim@example.com")]
    [InlineData("a,b@example.com")]
    [InlineData("LONG")]
    public async Task An_invalid_email_is_400_naming_email(string email)
    {
        if (email == "LONG") email = new string('a', 64) + "@" + string.Join(".", Enumerable.Repeat(new string('b', 60), 4)) + ".com"; // 313 characters
        await AssertRejectedAsync(() => PostSessionAsync(new JsonObject { ["email"] = email }), HttpStatusCode.BadRequest, "email");
        await AssertNewPatientAbsentAsync();
    }

    [Theory]
    [InlineData("2026-02-30")]
    [InlineData("2026-13-01")]
    [InlineData("2026-00-10")]
    [InlineData("2026-04-31")]
    [InlineData("2025-02-29")]
    [InlineData("01/02/2026")]
    [InlineData("2026-1-5")]
    [InlineData("20260105")]
    [InlineData("2026-01-05T00:00:00")]
    [InlineData("2026-01-05Z")]
    [InlineData(" 2026-01-05")]
    [InlineData("2026-01-05 ")]
    [InlineData("2026/01/05")]
    [InlineData("05-01-2026")]
    [InlineData("+2026-01-05")]
    [InlineData("yesterday")]
    [InlineData("1999-12-31")] // before 2000-01-01
    [InlineData("0001-01-01")]
    [InlineData("2026-06-16")] // tomorrow in Madrid (the test clock is noon on 2026-06-15 there)
    [InlineData("2027-01-01")]
    [InlineData("9999-12-31")]
    public async Task A_bad_injection_date_is_400_naming_injectionDate(string date)
    {
        // Without a sessionId the date also becomes the session id: a bad date must not sneak in that way either.
        await AssertRejectedAsync(() => PostSessionAsync(new JsonObject { ["injectionDate"] = date, ["sessionId"] = null }), HttpStatusCode.BadRequest, "injectionDate");
        await AssertNewPatientAbsentAsync();
    }

    [Fact]
    public async Task The_earliest_and_latest_injection_dates_are_accepted()
    {
        // The boundaries of the rules above, so the rejections are not just "every date is refused".
        await Host.PostSessionOkAsync(_apiKey, new { patientId = "edge-1", email = "e1@example.com", injectionDate = "2000-01-01" });
        await Host.PostSessionOkAsync(_apiKey, new { patientId = "edge-2", email = "e2@example.com", injectionDate = "2026-06-15" });
    }

    [Fact]
    public async Task The_future_is_judged_by_the_clinics_own_calendar_not_by_UTC()
    {
        // 10:30 UTC on 2026-06-15: already 00:30 on the 16th at UTC+14, still 23:30 on the 14th at UTC-11.
        Host.Time.SetUtcNow(new DateTimeOffset(2026, 6, 15, 10, 30, 0, TimeSpan.Zero));
        var kiritimati = await Host.CreateClinicAsync("kiri", new() { ["timeZone"] = "Pacific/Kiritimati" });
        var pagoPago = await Host.CreateClinicAsync("pago", new() { ["timeZone"] = "Pacific/Pago_Pago" });
        Assert.Equal("2026-06-16", Host.DaysAgo(0, "Pacific/Kiritimati"));
        Assert.Equal("2026-06-14", Host.DaysAgo(0, "Pacific/Pago_Pago"));

        // Kiritimati's today is tomorrow in UTC, and it is accepted; its tomorrow is not.
        var kiriToday = await Host.PostSessionAsync(kiritimati, new { patientId = "k1", email = "k1@example.com", injectionDate = "2026-06-16" });
        Assert.Equal(HttpStatusCode.Created, kiriToday.StatusCode);
        await AssertRejectedAsync(() => Host.PostSessionAsync(kiritimati, new { patientId = "k2", email = "k2@example.com", injectionDate = "2026-06-17" }),
            HttpStatusCode.BadRequest, "injectionDate");
        Assert.Null(await Host.GetPatientAsync(kiritimati, "k2"));

        // UTC's today is tomorrow in Pago Pago, and it is refused; Pago Pago's own today is accepted.
        await AssertRejectedAsync(() => Host.PostSessionAsync(pagoPago, new { patientId = "g1", email = "g1@example.com", injectionDate = "2026-06-15" }),
            HttpStatusCode.BadRequest, "injectionDate");
        Assert.Null(await Host.GetPatientAsync(pagoPago, "g1"));
        var pagoToday = await Host.PostSessionAsync(pagoPago, new { patientId = "g2", email = "g2@example.com", injectionDate = "2026-06-14" });
        Assert.Equal(HttpStatusCode.Created, pagoToday.StatusCode);
    }

    [Theory]
    [InlineData(13)]
    [InlineData(366)]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(int.MinValue)]
    [InlineData(int.MaxValue)]
    public async Task Relief_days_outside_14_to_365_are_400_naming_reliefDays(int reliefDays)
    {
        await AssertRejectedAsync(() => PostSessionAsync(new JsonObject { ["reliefDays"] = reliefDays }), HttpStatusCode.BadRequest, "reliefDays");
        await AssertNewPatientAbsentAsync();
    }

    [Fact]
    public async Task Relief_days_must_be_longer_than_the_clinics_remind_days_before()
    {
        var apiKey = await Host.CreateClinicAsync("c30", new() { ["remindDaysBefore"] = 30 });

        foreach (var reliefDays in new[] { 14, 29, 30 })
        {
            var body = new { patientId = NewPatient, email = "new@example.com", injectionDate = Host.DaysAgo(0), reliefDays };
            await AssertRejectedAsync(() => Host.PostSessionAsync(apiKey, body), HttpStatusCode.BadRequest, "reliefDays");
            Assert.Null(await Host.GetPatientAsync(apiKey, NewPatient));
        }

        // One day longer is fine (due tomorrow, so the sweeps below send nothing); at the default clinic
        // (14 days before) 14 is refused and 15 is fine.
        Assert.Equal(HttpStatusCode.Created, (await Host.PostSessionAsync(apiKey, new { patientId = NewPatient, email = "new@example.com", injectionDate = Host.DaysAgo(0), reliefDays = 31 })).StatusCode);
        await AssertRejectedAsync(() => PostSessionAsync(new JsonObject { ["reliefDays"] = 14 }), HttpStatusCode.BadRequest, "reliefDays");
        await AssertNewPatientAbsentAsync();
        Assert.Equal(HttpStatusCode.Created, (await PostSessionAsync(new JsonObject { ["reliefDays"] = 15 })).StatusCode);
    }

    /// <summary>Ids outside [A-Za-z0-9._-]{1,64}, or "." / "..".</summary>
    public static TheoryData<string> BadIds => new()
    {
        "a/b", "a\\b", "a#b", "a?b", "a\u0001b", "a b", "é", new string('x', 65), ".", "..",
        "a|b", "a}b", "a%2Fb", "a\n", "\na", "a\t", "a\u0000", "a'b", "a+b", "a:b", "ａ", "a\u200Bb",
    };

    [Theory]
    [MemberData(nameof(BadIds))]
    public async Task A_bad_patient_id_in_the_body_is_400_naming_patientId(string id)
    {
        await AssertRejectedAsync(() => PostSessionAsync(new JsonObject { ["patientId"] = id }), HttpStatusCode.BadRequest, "patientId");
    }

    [Theory]
    [MemberData(nameof(BadIds))]
    public async Task A_bad_session_id_in_the_body_is_400_naming_sessionId(string id)
    {
        await AssertRejectedAsync(() => PostSessionAsync(new JsonObject { ["sessionId"] = id }), HttpStatusCode.BadRequest, "sessionId");
        await AssertNewPatientAbsentAsync();
    }

    [Fact]
    public async Task An_empty_session_id_is_400_naming_sessionId()
    {
        await AssertRejectedAsync(() => PostSessionAsync(new JsonObject { ["sessionId"] = "" }), HttpStatusCode.BadRequest, "sessionId");
        await AssertNewPatientAbsentAsync();
    }

    [Fact]
    public async Task Ids_of_64_allowed_characters_are_accepted()
    {
        var id = "Az09._-" + new string('q', 57);
        Assert.Equal(64, id.Length);
        var response = await PostSessionAsync(new JsonObject { ["patientId"] = id, ["sessionId"] = id });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.NotNull(await Host.GetPatientAsync(_apiKey, id));
    }

    [Theory]
    [InlineData(101, "")]
    [InlineData(5000, "")]
    [InlineData(3, "\u0007")]
    [InlineData(3, "\r\n")]
    public async Task A_bad_first_name_is_400_naming_firstName(int length, string suffix)
    {
        await AssertRejectedAsync(() => PostSessionAsync(new JsonObject { ["firstName"] = new string('n', length) + suffix }), HttpStatusCode.BadRequest, "firstName");
        await AssertNewPatientAbsentAsync();
    }

    [Fact]
    public async Task A_first_name_of_100_characters_is_accepted()
    {
        Assert.Equal(HttpStatusCode.Created, (await PostSessionAsync(new JsonObject { ["firstName"] = new string('n', 100) })).StatusCode);
    }

    [Theory]
    [InlineData("""{"patientId":"new-patient","patientId":"p1","email":"new@example.com","injectionDate":"2026-06-01"}""", "patientId")]
    [InlineData("""{"patientId":"p1","email":"new@example.com","email":"evil@example.com","injectionDate":"2026-06-01"}""", "email")]
    [InlineData("""{"patientId":"p1","email":"new@example.com","injectionDate":"2026-06-01","injectionDate":"2026-06-02"}""", "injectionDate")]
    [InlineData("""{"patientId":"p1","email":"new@example.com","injectionDate":"2026-06-01","reliefDays":90,"reliefDays":200}""", "reliefDays")]
    [InlineData("""{"patientId":"new-patient","PatientId":"p1","email":"new@example.com","injectionDate":"2026-06-01"}""", "PatientId")]
    public async Task A_duplicate_json_property_is_400_naming_it(string raw, string field)
    {
        await AssertRejectedAsync(() => PostSessionRawAsync(raw), HttpStatusCode.BadRequest, field);
        await AssertNewPatientAbsentAsync();
    }

    [Fact]
    public async Task One_response_names_every_bad_field()
    {
        var overrides = new JsonObject
        {
            ["patientId"] = "a/b", ["email"] = "no-at", ["firstName"] = new string('n', 101), ["injectionDate"] = "2026-02-30",
            ["sessionId"] = "..", ["reliefDays"] = 13,
        };
        await AssertRejectedAsync(() => PostSessionAsync(overrides), HttpStatusCode.BadRequest,
            "patientId", "email", "firstName", "injectionDate", "sessionId", "reliefDays");
    }

    // ---------------------------------------------------------------- 413 and 415

    [Theory]
    [InlineData(JsonBodyLimit + 1, false)]
    [InlineData(JsonBodyLimit + 1, true)]
    [InlineData(300 * 1024, false)]
    [InlineData(300 * 1024, true)]
    [InlineData(2 * 1024 * 1024, false)]
    [InlineData(2 * 1024 * 1024, true)] // may also pass the Server's own 1 MiB cap while arriving: that must be a 413 problem too
    public async Task A_session_body_over_64_KiB_is_413_naming_the_body(int size, bool chunked)
    {
        await AssertRejectedAsync(() =>
            {
                var request = Request(HttpMethod.Post, "/api/sessions", PaddedSessionBody(size, chunked));
                // A declared length past the Server's 1 MiB cap is answered at once and the connection closed unread; a
                // client still writing the body then sees a broken pipe instead of the 413. Clients that send bodies
                // this large ask first (Expect: 100-continue), and get the 413 without sending it.
                if (!chunked && size > 1024 * 1024) request.Headers.ExpectContinue = true;
                // A chunked body past that cap cannot ask first: the answer comes while it is still being written, and
                // HttpClient drops an answer it gets before it finished writing, so read it as a careful client does.
                if (chunked && size > 1024 * 1024) return RawChunkedSessionPostAsync(size);
                return Host.Client.SendAsync(request);
            },
            HttpStatusCode.RequestEntityTooLarge, "body");
        await AssertNewPatientAbsentAsync();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_session_body_of_exactly_64_KiB_is_accepted(bool chunked)
    {
        var response = await Host.Client.SendAsync(Request(HttpMethod.Post, "/api/sessions", PaddedSessionBody(JsonBodyLimit, chunked)));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.NotNull(await Host.GetPatientAsync(_apiKey, NewPatient));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_clinic_body_over_64_KiB_is_413_naming_the_body(bool chunked)
    {
        var body = """{"name":"Changed","timeZone":"UTC","bookingUrl":"https://changed.example.com/book"}""";
        var content = Padded(body, JsonBodyLimit + 1, chunked, "application/json");
        await AssertRejectedAsync(() => Host.Client.SendAsync(Request(HttpMethod.Put, "/api/clinics/c1", content, admin: true)), HttpStatusCode.RequestEntityTooLarge, "body");
        await AssertRejectedAsync(() => Host.Client.SendAsync(Request(HttpMethod.Put, "/api/clinics/c2", Padded(body, JsonBodyLimit + 1, chunked, "application/json"), admin: true)),
            HttpStatusCode.RequestEntityTooLarge, "body");
    }

    [Theory]
    [InlineData("5\r\n{\"pat\r\nZZ\r\n")] // a chunk size that is not hex
    [InlineData("5\r\n{\"pat\r\n3\r\nabcdef\r\n")] // a chunk longer than it says
    [InlineData("FFFFFFFFFFFFFFFFFFFF\r\n{}")] // a chunk size that overflows
    public async Task A_broken_chunked_body_is_400_naming_the_body(string framing)
    {
        // HttpClient cannot send broken framing, so this goes over a raw socket. The server fails the body read
        // itself; that must come back as a problem naming the body, not escape the handler as a 500.
        var before = await StoredRowsAsync();
        var (status, contentType, text) = await RawHttpAsync("POST", "/api/sessions",
            $"X-Api-Key: {_apiKey}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n", Encoding.ASCII.GetBytes(framing));

        Assert.True(status == 400, $"Expected 400, got {status}: {text}");
        Assert.Equal("application/problem+json", contentType);
        var problem = JsonSerializer.Deserialize<JsonObject>(text)!;
        Assert.Equal(400, problem["status"]!.GetValue<int>());
        Assert.NotEmpty(problem["errors"]!["body"]!.AsArray());
        Assert.Equal(before, await StoredRowsAsync());
        await AssertNewPatientAbsentAsync();
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("multipart/form-data; boundary=x")]
    [InlineData("application/xml")]
    [InlineData("text/json")]
    [InlineData("application/jsonp")]
    [InlineData(null)]
    public async Task A_session_body_that_is_not_json_is_415_naming_the_content_type(string? contentType)
    {
        var body = ValidSessionBody().ToJsonString();
        await AssertRejectedAsync(() => Host.Client.SendAsync(Request(HttpMethod.Post, "/api/sessions", Content(body, contentType))),
            HttpStatusCode.UnsupportedMediaType, "Content-Type");
        await AssertNewPatientAbsentAsync();
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData(null)]
    public async Task A_clinic_body_that_is_not_json_is_415_naming_the_content_type(string? contentType)
    {
        var body = ValidClinicBody().ToJsonString();
        await AssertRejectedAsync(() => Host.Client.SendAsync(Request(HttpMethod.Put, "/api/clinics/c1", Content(body, contentType), admin: true)),
            HttpStatusCode.UnsupportedMediaType, "Content-Type");
        await AssertRejectedAsync(() => Host.Client.SendAsync(Request(HttpMethod.Put, "/api/clinics/c2", Content(body, contentType), admin: true)),
            HttpStatusCode.UnsupportedMediaType, "Content-Type");
        await AssertClinicAbsentAsync("c2");
    }

    // ---------------------------------------------------------------- PUT /api/clinics/{clinicId}

    [Theory]
    [InlineData("""{"timeZone":"Mars/Olympus"}""", "timeZone")]
    [InlineData("""{"timeZone":""}""", "timeZone")]
    [InlineData("""{"timeZone":"   "}""", "timeZone")]
    [InlineData("""{"timeZone":null}""", "timeZone")]
    [InlineData("""{"timeZone":"Romance Standard Time"}""", "timeZone")]
    [InlineData("""{"timeZone":"W. Europe Standard Time"}""", "timeZone")]
    [InlineData("""{"timeZone":"europe/madrid/x"}""", "timeZone")]
    [InlineData("""{"timeZone":"+02:00"}""", "timeZone")]
    [InlineData("""{"timeZone":"../../etc/passwd"}""", "timeZone")]
    [InlineData("""{"timeZone":"Europe/../Europe/Madrid"}""", "timeZone")]
    [InlineData("""{"timeZone":"/usr/share/zoneinfo/Europe/Madrid"}""", "timeZone")]
    [InlineData("""{"timeZone":"Europe/Madrid\u0000"}""", "timeZone")]
    [InlineData("""{"timeZone":"Europe/Madrid\n"}""", "timeZone")]
    [InlineData("""{"timeZone":"Europe/Madrid "}""", "timeZone")]
    [InlineData("""{"bookingUrl":"/book"}""", "bookingUrl")]
    [InlineData("""{"bookingUrl":"book.example.com"}""", "bookingUrl")]
    [InlineData("""{"bookingUrl":"ftp://x.example.com"}""", "bookingUrl")]
    [InlineData("""{"bookingUrl":"javascript:alert(1)"}""", "bookingUrl")]
    [InlineData("""{"bookingUrl":"mailto:a@b.com"}""", "bookingUrl")]
    [InlineData("""{"bookingUrl":"file:///etc/passwd"}""", "bookingUrl")]
    [InlineData("""{"bookingUrl":"data:text/html,<b>x</b>"}""", "bookingUrl")]
    [InlineData("""{"bookingUrl":"https://"}""", "bookingUrl")]
    [InlineData("""{"bookingUrl":""}""", "bookingUrl")]
    [InlineData("""{"bookingUrl":null}""", "bookingUrl")]
    [InlineData("""{"reliefDays":13}""", "reliefDays")]
    [InlineData("""{"reliefDays":366}""", "reliefDays")]
    [InlineData("""{"reliefDays":0}""", "reliefDays")]
    [InlineData("""{"reliefDays":-90}""", "reliefDays")]
    [InlineData("""{"remindDaysBefore":-1}""", "remindDaysBefore")]
    [InlineData("""{"remindDaysBefore":61}""", "remindDaysBefore")]
    [InlineData("""{"reliefDays":30,"remindDaysBefore":30}""", "remindDaysBefore")]
    [InlineData("""{"reliefDays":30,"remindDaysBefore":45}""", "remindDaysBefore")]
    [InlineData("""{"reliefDays":14}""", "remindDaysBefore")] // the default remindDaysBefore is 14
    [InlineData("""{"sendWindowStart":"8:00"}""", "sendWindowStart")]
    [InlineData("""{"sendWindowStart":"25:00"}""", "sendWindowStart")]
    [InlineData("""{"sendWindowStart":"24:00"}""", "sendWindowStart")]
    [InlineData("""{"sendWindowStart":"08:00:00"}""", "sendWindowStart")]
    [InlineData("""{"sendWindowStart":"08:60"}""", "sendWindowStart")]
    [InlineData("""{"sendWindowStart":"8am"}""", "sendWindowStart")]
    [InlineData("""{"sendWindowStart":""}""", "sendWindowStart")]
    [InlineData("""{"sendWindowEnd":"25:00"}""", "sendWindowEnd")]
    [InlineData("""{"sendWindowEnd":"20:0"}""", "sendWindowEnd")]
    [InlineData("""{"sendWindowEnd":"24:01"}""", "sendWindowEnd")]
    [InlineData("""{"sendWindowStart":"09:00","sendWindowEnd":"09:00"}""", "sendWindowEnd")]
    [InlineData("""{"sendWindowStart":"00:00","sendWindowEnd":"00:00"}""", "sendWindowEnd")]
    [InlineData("""{"replyTo":"not-an-email"}""", "replyTo")]
    [InlineData("""{"replyTo":"Desk <desk@c1.example.com>"}""", "replyTo")]
    [InlineData("""{"replyTo":"desk@c1.example.com\r\nBcc: x@example.com"}""", "replyTo")]
    [InlineData("""{"replyTo":""}""", "replyTo")]
    [InlineData("""{"name":null}""", "name")]
    [InlineData("""{"name":""}""", "name")]
    [InlineData("""{"name":"   "}""", "name")]
    [InlineData("""{"name":"Bad\u0000name"}""", "name")]
    [InlineData("""{"name":5}""", "name")]
    [InlineData("""{"reliefDays":"90"}""", "reliefDays")]
    [InlineData("""{"reliefDays":90.5}""", "reliefDays")]
    [InlineData("""{"remindDaysBefore":"14"}""", "remindDaysBefore")]
    [InlineData("""{"paused":"yes"}""", "paused")]
    [InlineData("""{"paused":1}""", "paused")]
    [InlineData("""{"sendWindowStart":800}""", "sendWindowStart")]
    [InlineData("""{"timeZone":["Europe/Madrid"]}""", "timeZone")]
    public async Task A_bad_clinic_setting_is_400_naming_it_and_changes_no_clinic(string overrides, string field)
    {
        var before = await ClinicAsync(Clinic);

        await AssertRejectedAsync(() => PutClinicAsync(Clinic, overrides), HttpStatusCode.BadRequest, field);
        await AssertRejectedAsync(() => PutClinicAsync("c2", overrides), HttpStatusCode.BadRequest, field);

        Assert.Equal(before, await ClinicAsync(Clinic));
        await AssertClinicAbsentAsync("c2");
    }

    [Theory]
    [InlineData("""{"relief_days":30}""", "relief_days", "Unknown field. Did you mean reliefDays?")]
    [InlineData("""{"remindDays":7}""", "remindDays", "Unknown field.")]
    [InlineData("""{"sendWindow":{"start":"09:00"}}""", "sendWindow", "Unknown field.")]
    [InlineData("""{"apiKey":"rk_mine"}""", "apiKey", "Unknown field.")]
    public async Task An_unknown_clinic_field_is_400_naming_it_not_a_silent_default(string overrides, string field, string message)
    {
        var before = await ClinicAsync(Clinic);

        var problem = await AssertRejectedAsync(() => PutClinicAsync(Clinic, overrides), HttpStatusCode.BadRequest, field);
        await AssertRejectedAsync(() => PutClinicAsync("c2", overrides), HttpStatusCode.BadRequest, field);

        Assert.Equal([message], problem["errors"]![field]!.AsArray().Select(m => m!.GetValue<string>()));
        Assert.Single(problem["errors"]!.AsObject());
        Assert.Equal(before, await ClinicAsync(Clinic));
        await AssertClinicAbsentAsync("c2");
    }

    [Fact]
    public async Task Every_unknown_field_is_named_and_known_ones_match_in_any_case()
    {
        var problem = await AssertRejectedAsync(() => PostSessionAsync("""{"relief_days":30,"e-mail":"x@example.com","extra":[1]}"""),
            HttpStatusCode.BadRequest, "relief_days", "e-mail", "extra");
        Assert.Equal("Unknown field. Did you mean email?", problem["errors"]!["e-mail"]![0]!.GetValue<string>());
        await AssertNewPatientAbsentAsync();

        // Web defaults: a field's name matches whatever its case, so "ReliefDays" is the known field, not an unknown one.
        var response = await PostSessionAsync("""{"reliefDays":null,"ReliefDays":120}""");
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task A_very_long_clinic_name_is_400_naming_name()
    {
        await AssertRejectedAsync(() => PutClinicAsync(Clinic, new JsonObject { ["name"] = new string('n', 201) }), HttpStatusCode.BadRequest, "name");
        await AssertClinicAbsentAsync("c2");
    }

    [Theory]
    [InlineData("""{"name":"A","name":"B","timeZone":"UTC","bookingUrl":"https://x.example.com"}""", "name")]
    [InlineData("""{"name":"A","timeZone":"UTC","timeZone":"Europe/Madrid","bookingUrl":"https://x.example.com"}""", "timeZone")]
    [InlineData("""{"name":"A","timeZone":"UTC","bookingUrl":"https://x.example.com","paused":false,"paused":true}""", "paused")]
    [InlineData("""{"name":"A","timeZone":"UTC",""", "body")]
    [InlineData("""[{"name":"A","timeZone":"UTC","bookingUrl":"https://x.example.com"}]""", "body")]
    [InlineData("null", "body")]
    [InlineData("", "body")]
    public async Task A_malformed_clinic_body_is_400_naming_the_field(string raw, string field)
    {
        var before = await ClinicAsync(Clinic);
        await AssertRejectedAsync(() => Host.Client.SendAsync(Request(HttpMethod.Put, "/api/clinics/c1", Content(raw, "application/json"), admin: true)), HttpStatusCode.BadRequest, field);
        await AssertRejectedAsync(() => Host.Client.SendAsync(Request(HttpMethod.Put, "/api/clinics/c2", Content(raw, "application/json"), admin: true)), HttpStatusCode.BadRequest, field);
        Assert.Equal(before, await ClinicAsync(Clinic));
        await AssertClinicAbsentAsync("c2");
    }

    [Theory]
    [InlineData("bad%23id")] // bad#id
    [InlineData("bad%3Fid")] // bad?id
    [InlineData("bad%20id")]
    [InlineData("bad%01id")]
    [InlineData("bad%0A")]
    [InlineData("bad%7Cid")]
    [InlineData("bad%5Cid")]
    [InlineData("bad%2Fid")]
    [InlineData("%C3%A9")]
    [InlineData("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")] // 65
    public async Task A_bad_clinic_id_in_the_route_is_400_naming_clinicId(string encodedId)
    {
        await AssertRejectedAsync(() => PutClinicAsync(encodedId, new JsonObject()), HttpStatusCode.BadRequest, "clinicId");
        var clinics = await Host.Services.GetRequiredService<Reminders.Clinics.ClinicDirectory>().ListAsync(CancellationToken.None);
        Assert.Equal(new[] { Clinic }, clinics.Clinics.Keys.Order());
    }

    // ---------------------------------------------------------------- ids in the route of patient and session calls

    [Theory]
    [MemberData(nameof(BadRouteIds))]
    public async Task A_bad_patient_id_in_the_route_is_400_naming_patientId(string id)
    {
        var encoded = Uri.EscapeDataString(id);
        await AssertRejectedAsync(() => Host.SendAsync(HttpMethod.Get, $"/api/patients/{encoded}", _apiKey), HttpStatusCode.BadRequest, "patientId");
        await AssertRejectedAsync(() => Host.SendAsync(HttpMethod.Delete, $"/api/patients/{encoded}", _apiKey), HttpStatusCode.BadRequest, "patientId");
        await AssertRejectedAsync(() => Host.SendAsync(HttpMethod.Delete, $"/api/patients/{encoded}/sessions/{SeededSession}", _apiKey), HttpStatusCode.BadRequest, "patientId");
        Assert.Equal("Pending", (await Host.GetPatientAsync(_apiKey, SeededPatient))!.Status(SeededSession));
    }

    [Theory]
    [MemberData(nameof(BadRouteIds))]
    public async Task A_bad_session_id_in_the_route_is_400_naming_sessionId(string id)
    {
        var encoded = Uri.EscapeDataString(id);
        await AssertRejectedAsync(() => Host.SendAsync(HttpMethod.Delete, $"/api/patients/{SeededPatient}/sessions/{encoded}", _apiKey), HttpStatusCode.BadRequest, "sessionId");
        Assert.Equal("Pending", (await Host.GetPatientAsync(_apiKey, SeededPatient))!.Status(SeededSession));
    }

    /// <summary>
    /// <see cref="BadIds"/> as they can reach a route (percent-encoded): "." and ".." are dot segments that the URL
    /// itself resolves, on the client and again in Kestrel, so they never arrive as a route value; the body tests cover them.
    /// </summary>
    public static TheoryData<string> BadRouteIds => new()
    {
        "a/b", "a\\b", "a#b", "a?b", "a\u0001b", "a b", "é", new string('x', 65), "a|b", "a}b", "a%2Fb", "a\n", "a\t", "a'b", "a+b", "a:b", "ａ", "...%",
    };

    // ---------------------------------------------------------------- GET /api/reminders

    [Theory]
    [InlineData("", "from")]
    [InlineData("", "to")]
    [InlineData("?from=2026-06-01", "to")]
    [InlineData("?to=2026-06-01", "from")]
    [InlineData("?from=&to=2026-06-01", "from")]
    [InlineData("?from=2026-06-01&to=", "to")]
    [InlineData("?from=2026-02-30&to=2026-03-01", "from")]
    [InlineData("?from=2026-06-01&to=2026-13-01", "to")]
    [InlineData("?from=2026-6-1&to=2026-06-02", "from")]
    [InlineData("?from=20260601&to=2026-06-02", "from")]
    [InlineData("?from=2026-06-01T00:00:00&to=2026-06-02", "from")]
    [InlineData("?from=01/06/2026&to=2026-06-02", "from")]
    [InlineData("?from=2026-06-01&to=tomorrow", "to")]
    [InlineData("?from=2026-06-10&to=2026-06-09", "to")]
    [InlineData("?from=2026-06-01&to=2026-09-01", "to")] // 93 days inclusive
    [InlineData("?from=2000-01-01&to=9999-12-31", "to")]
    [InlineData("?from=2026-06-01&from=2026-06-02&to=2026-06-03", "from")]
    [InlineData("?from=2026-06-01&to=2026-06-03&to=2026-06-04", "to")]
    [InlineData("?from=2026-06-01&to=2026-06-03&to=2026-06-03", "to")]
    [InlineData("?from=2026-06-01,2026-06-02&to=2026-06-03", "from")]
    public async Task A_bad_send_plan_query_is_400_naming_the_parameter(string query, string field)
    {
        await AssertRejectedAsync(() => Host.SendAsync(HttpMethod.Get, "/api/reminders" + query, _apiKey), HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task A_send_plan_of_92_days_inclusive_is_accepted()
    {
        var response = await Host.SendAsync(HttpMethod.Get, "/api/reminders?from=2026-06-01&to=2026-08-31", _apiKey);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull(await response.PlanPageAsync());
    }

    // ---------------------------------------------------------------- helpers

    private const int JsonBodyLimit = Reminders.Http.JsonBody.MaxBytes;

    private JsonObject ValidSessionBody() => new()
    {
        // Due today if it were stored, so the sweep after a rejection would send it.
        ["patientId"] = NewPatient, ["email"] = "new@example.com", ["firstName"] = "Nuria",
        ["injectionDate"] = Host.DaysAgo(76), ["sessionId"] = "visit-1", ["reliefDays"] = 90,
    };

    private static JsonObject ValidClinicBody() => new()
    {
        ["name"] = "Changed name", ["timeZone"] = "Europe/Lisbon", ["bookingUrl"] = "https://changed.example.com/book",
        ["replyTo"] = "changed@example.com", ["reliefDays"] = 120, ["remindDaysBefore"] = 20,
        ["sendWindowStart"] = "09:00", ["sendWindowEnd"] = "18:00", ["paused"] = true,
    };

    /// <summary>The base body with <paramref name="overrides"/> applied; a null override removes the property.</summary>
    private static string Merge(JsonObject body, JsonObject overrides)
    {
        foreach (var (name, value) in overrides)
        {
            if (value is null) body.Remove(name);
            else body[name] = value.DeepClone();
        }
        return body.ToJsonString();
    }

    private Task<HttpResponseMessage> PostSessionAsync(string overrides) => PostSessionAsync(JsonNode.Parse(overrides)!.AsObject());

    private Task<HttpResponseMessage> PostSessionAsync(JsonObject overrides) => PostSessionRawAsync(Merge(ValidSessionBody(), overrides));

    private Task<HttpResponseMessage> PostSessionRawAsync(string raw) =>
        Host.Client.SendAsync(Request(HttpMethod.Post, "/api/sessions", Content(raw, "application/json")));

    private Task<HttpResponseMessage> PutClinicAsync(string encodedClinicId, string overrides) => PutClinicAsync(encodedClinicId, JsonNode.Parse(overrides)!.AsObject());

    private Task<HttpResponseMessage> PutClinicAsync(string encodedClinicId, JsonObject overrides) =>
        Host.Client.SendAsync(Request(HttpMethod.Put, $"/api/clinics/{encodedClinicId}", Content(Merge(ValidClinicBody(), overrides), "application/json"), admin: true));

    private HttpRequestMessage Request(HttpMethod method, string path, HttpContent content, bool admin = false)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        if (admin) request.Headers.Add("X-Admin-Key", TestSettings.AdminKey);
        else request.Headers.Add("X-Api-Key", _apiKey);
        return request;
    }

    private static HttpContent Content(string raw, string? contentType)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(raw));
        if (contentType is not null) content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return content;
    }

    /// <summary>A valid session body padded with JSON whitespace to exactly <paramref name="size"/> bytes.</summary>
    private HttpContent PaddedSessionBody(int size, bool chunked) => Padded(ValidSessionBody().ToJsonString(), size, chunked, "application/json");

    private static HttpContent Padded(string json, int size, bool chunked, string contentType)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        Assert.True(bytes.Length < size);
        var padded = new byte[size];
        Array.Fill(padded, (byte)' ');
        bytes.CopyTo(padded, 0);
        HttpContent content = chunked ? new StreamContent(new UnknownLengthStream(padded)) : new ByteArrayContent(padded);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        Assert.Equal(chunked ? null : (long?)size, content.Headers.ContentLength);
        return content;
    }

    /// <summary>
    /// Sends the request and checks the answer: the status, an RFC 9457 body (application/problem+json, with the same
    /// status) naming every field in <paramref name="fields"/> (in "errors" for a 400, in "field" for 413 and 415),
    /// and that nothing stored changed, nor does a sweep afterwards send anything.
    /// </summary>
    private async Task<JsonObject> AssertRejectedAsync(Func<Task<HttpResponseMessage>> send, HttpStatusCode status, params string[] fields)
    {
        var before = await StoredRowsAsync();
        Assert.NotEmpty(before);

        using var response = await send();
        var text = await response.Content.ReadAsStringAsync();

        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonSerializer.Deserialize<JsonObject>(text)!;
        Assert.Equal((int)status, problem["status"]!.GetValue<int>());
        Assert.False(string.IsNullOrWhiteSpace(problem["title"]?.GetValue<string>()), text);
        if (status == HttpStatusCode.BadRequest)
        {
            var errors = problem["errors"]!.AsObject();
            foreach (var field in fields)
            {
                Assert.True(errors.ContainsKey(field), $"errors should name '{field}': {text}");
                Assert.NotEmpty(errors[field]!.AsArray());
            }
        }
        else
        {
            Assert.Equal(Assert.Single(fields), problem["field"]?.GetValue<string>());
        }

        Assert.Equal(before, await StoredRowsAsync());
        var sweep = await Host.SweepAsync();
        Assert.Equal(0, sweep.Count("sent"));
        Assert.Empty(Outbox.Files(Host.Settings.OutboxPath));
        return problem;
    }

    /// <summary>Every row of every table, with its ETag and all its properties: any write shows up here.</summary>
    private async Task<List<string>> StoredRowsAsync()
    {
        var tables = Host.Services.GetRequiredService<ReminderTables>();
        var rows = new List<string>();
        foreach (var (name, table) in new[] { ("Clinics", tables.Clinics), ("ApiKeys", tables.ApiKeys), ("Patients", tables.Patients), ("Due", tables.Due) })
            await foreach (var row in table.QueryAsync<TableEntity>())
                rows.Add($"{name} {row.PartitionKey} {row.RowKey} {row.ETag} " +
                         string.Join("; ", row.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}")));
        rows.Sort(StringComparer.Ordinal);
        return rows;
    }

    private async Task<Reminders.Clinics.ClinicView?> ClinicAsync(string clinicId)
    {
        var clinic = await Host.Services.GetRequiredService<Reminders.Clinics.ClinicDirectory>().FindAsync(clinicId, CancellationToken.None);
        return clinic is null ? null : Reminders.Clinics.ClinicView.Of(clinic);
    }

    private async Task AssertClinicAbsentAsync(string clinicId) => Assert.Null(await ClinicAsync(clinicId));

    private async Task AssertNewPatientAbsentAsync() => Assert.Null(await Host.GetPatientAsync(_apiKey, NewPatient));

    private async Task<HttpResponseMessage> RawChunkedSessionPostAsync(int size)
    {
        var body = await PaddedSessionBody(size, chunked: false).ReadAsByteArrayAsync();
        var framed = new MemoryStream();
        for (var at = 0; at < body.Length; at += 4096)
        {
            var length = Math.Min(4096, body.Length - at);
            framed.Write(Encoding.ASCII.GetBytes($"{length:x}\r\n"));
            framed.Write(body, at, length);
            framed.Write("\r\n"u8);
        }
        framed.Write("0\r\n\r\n"u8);
        var (status, contentType, text) = await RawHttpAsync("POST", "/api/sessions",
            $"X-Api-Key: {_apiKey}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n", framed.ToArray());
        var content = new StringContent(text);
        content.Headers.ContentType = contentType is null ? null : new MediaTypeHeaderValue(contentType);
        return new HttpResponseMessage((HttpStatusCode)status) { Content = content };
    }

    /// <summary>One HTTP/1.1 request over a raw socket, for framing HttpClient will not produce; reads the response to the end.</summary>
    private async Task<(int Status, string? ContentType, string Body)> RawHttpAsync(string method, string path, string headers, byte[] body)
    {
        var address = Host.Client.BaseAddress!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(address.Host, address.Port, timeout.Token);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"{method} {path} HTTP/1.1\r\nHost: {address.Authority}\r\nConnection: close\r\n{headers}\r\n"), timeout.Token);
        // Written while the response is read, as a careful client does: a server may answer early and stop reading.
        var writing = Task.Run(async () =>
        {
            for (var at = 0; at < body.Length; at += 16 * 1024)
                await stream.WriteAsync(body.AsMemory(at, Math.Min(16 * 1024, body.Length - at)), timeout.Token);
            await stream.FlushAsync(timeout.Token);
        });

        var received = new MemoryStream();
        try
        {
            await stream.CopyToAsync(received, timeout.Token);
        }
        catch (IOException) when (received.Length > 0)
        {
            // The server may reset the connection after answering a request it will not finish reading.
        }
        try
        {
            await writing;
        }
        catch (IOException) when (received.Length > 0)
        {
            // ...and so the rest of the body could not be written: the answer came first.
        }

        var raw = received.ToArray();
        var headerEnd = raw.AsSpan().IndexOf("\r\n\r\n"u8);
        Assert.True(headerEnd > 0, "No HTTP response: " + Encoding.ASCII.GetString(raw));
        var head = Encoding.ASCII.GetString(raw, 0, headerEnd).Split("\r\n");
        var status = int.Parse(head[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        string? Header(string name) => head.Skip(1).Select(h => h.Split(':', 2)).Where(h => h[0].Trim().Equals(name, StringComparison.OrdinalIgnoreCase))
            .Select(h => h[1].Trim()).FirstOrDefault();
        var rest = raw[(headerEnd + 4)..];
        if (Header("Transfer-Encoding") is { } te && te.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            var dechunked = new MemoryStream();
            var at = 0;
            while (true)
            {
                var lineEnd = rest.AsSpan(at).IndexOf("\r\n"u8);
                var size = Convert.ToInt32(Encoding.ASCII.GetString(rest, at, lineEnd).Split(';')[0], 16);
                if (size == 0) break;
                dechunked.Write(rest, at + lineEnd + 2, size);
                at += lineEnd + 2 + size + 2;
            }
            rest = dechunked.ToArray();
        }
        var contentType = Header("Content-Type")?.Split(';')[0].Trim();
        return (status, contentType, Encoding.UTF8.GetString(rest));
    }

    /// <summary>A stream that cannot say its length, so HttpClient sends it chunked, without Content-Length.</summary>
    private sealed class UnknownLengthStream(byte[] bytes) : Stream
    {
        private readonly MemoryStream _inner = new(bytes);
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, 4096));
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

public sealed class ServerBadInputContractTests(Azurite azurite) : BadInputContractTests(azurite)
{
    protected override async Task<IApiHost> StartAsync(TestSettings settings, FakeTimeProvider time) => await ServerHost.StartAsync(settings, time);
}

public sealed class FunctionsBadInputContractTests(Azurite azurite) : BadInputContractTests(azurite)
{
    protected override async Task<IApiHost> StartAsync(TestSettings settings, FakeTimeProvider time) => await FunctionsHost.StartAsync(settings, time);
}
