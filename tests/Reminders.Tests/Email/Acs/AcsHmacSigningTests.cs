using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Core;
using Azure.Core.Pipeline;
using Microsoft.Extensions.Time.Testing;
using Reminders.Email.Acs;

namespace Reminders.Tests.Email.Acs;

/// <summary>The access-key signer against the official (Microsoft SDK tests) and derived vectors in TestData/hmac-test-vectors.json.</summary>
public sealed class AcsHmacSigningTests
{
    private static readonly JsonNode Vectors = FakeAcsServer.Example("hmac-test-vectors.json");

    public static TheoryData<int> RequestVectors() => new(Enumerable.Range(0, Vectors["requestVectors"]!.AsArray().Count));
    public static TheoryData<int> HashVectors() => new(Enumerable.Range(0, Vectors["hashVectors"]!.AsArray().Count));
    public static TheoryData<int> HmacVectors() => new(Enumerable.Range(0, Vectors["hmacVectors"]!.AsArray().Count));

    [Fact]
    public void The_vector_file_has_the_official_and_derived_request_vectors()
    {
        var kinds = Vectors["requestVectors"]!.AsArray().Select(v => (string)v!["kind"]!).ToList();
        Assert.Equal(2, kinds.Count(k => k == "official"));
        Assert.Equal(5, kinds.Count(k => k == "derived"));
    }

    [Theory]
    [MemberData(nameof(RequestVectors))]
    public async Task A_signed_request_carries_exactly_the_vectors_headers(int index)
    {
        var v = Vectors["requestVectors"]![index]!;
        var date = (string)v["x-ms-date"]!;
        var body = Encoding.UTF8.GetBytes((string)v["body_utf8"]!);
        if (v["body_length_bytes"] is { } length) Assert.Equal((int)length, body.Length);
        var time = new FakeTimeProvider(DateTimeOffset.ParseExact(date, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal));
        var handler = new CapturingHandler();
        var policy = new AcsHmacAuthenticationPolicy(Convert.FromBase64String((string)v["key_base64"]!), time);
        var pipeline = HttpPipelineBuilder.Build(new TestClientOptions { Transport = handler.Transport() }, [], [policy], null);

        using var message = pipeline.CreateMessage();
        message.Request.Method = RequestMethod.Parse((string)v["method"]!);
        message.Request.Uri.Reset(new Uri((string)v["url"]!));
        if (body.Length > 0) message.Request.Content = RequestContent.Create(body);
        await pipeline.SendAsync(message, TestContext.Current.CancellationToken);

        // What went on the wire.
        var sent = Assert.Single(handler.Requests);
        Assert.Equal(date, sent.Headers["x-ms-date"]);
        Assert.Equal((string)v["x-ms-content-sha256"]!, sent.Headers["x-ms-content-sha256"]);
        Assert.Equal((string)v["Authorization"]!, sent.Headers["Authorization"]);
        Assert.Equal(body, sent.Body);
        Assert.Equal((string)v["host"]!, sent.Uri.Authority);

        Assert.Equal((string)v["stringToSign"]!,
            AcsHmacAuthenticationPolicy.StringToSign((string)v["method"]!, new Uri((string)v["url"]!), date, (string)v["x-ms-content-sha256"]!));
    }

    [Theory]
    [MemberData(nameof(HashVectors))]
    public void The_content_hash_matches_the_vector(int index)
    {
        var v = Vectors["hashVectors"]![index]!;
        Assert.Equal((string)v["sha256_base64"]!, AcsHmacAuthenticationPolicy.ContentHash(Encoding.UTF8.GetBytes((string)v["input_utf8"]!)));
    }

    [Theory]
    [MemberData(nameof(HmacVectors))]
    public void The_signature_matches_the_vector(int index)
    {
        var v = Vectors["hmacVectors"]![index]!;
        Assert.Equal((string)v["hmac_base64"]!,
            AcsHmacAuthenticationPolicy.Signature(Convert.FromBase64String((string)v["key_base64"]!), (string)v["message_utf8"]!));
    }

    [Fact]
    public async Task Every_try_is_signed_again_with_the_date_of_that_try()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2022, 4, 13, 18, 9, 12, TimeSpan.Zero));
        var handler = new CapturingHandler();
        var policy = new AcsHmacAuthenticationPolicy(Convert.FromBase64String("pw=="), time);
        var pipeline = HttpPipelineBuilder.Build(new TestClientOptions { Transport = handler.Transport() }, [], [policy], null);

        for (var i = 0; i < 2; i++)
        {
            using var message = pipeline.CreateMessage();
            message.Request.Method = RequestMethod.Get;
            message.Request.Uri.Reset(new Uri("https://example.com/testPath"));
            await pipeline.SendAsync(message, TestContext.Current.CancellationToken);
            time.Advance(TimeSpan.FromSeconds(61));
        }

        Assert.Equal(["Wed, 13 Apr 2022 18:09:12 GMT", "Wed, 13 Apr 2022 18:10:13 GMT"], handler.Requests.Select(r => r.Headers["x-ms-date"]));
        Assert.Equal("HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=+6tWkg3lNKVjQHHmxkdGQcJjUgzclsWTMebnuCz1ngU=",
            handler.Requests[0].Headers["Authorization"]);
        Assert.NotEqual(handler.Requests[0].Headers["Authorization"], handler.Requests[1].Headers["Authorization"]);
    }
}
