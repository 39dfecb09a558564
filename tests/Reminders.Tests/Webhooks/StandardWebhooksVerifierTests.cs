using Reminders.Tests.Infrastructure;

namespace Reminders.Tests.Webhooks;

/// <summary>The test-side Standard Webhooks verifier against the published vector, so it can be trusted to judge the service.</summary>
public sealed class StandardWebhooksVerifierTests
{
    // The vector the Standard Webhooks reference libraries test their signer with, e.g.
    // https://github.com/standard-webhooks/standard-webhooks/blob/main/libraries/csharp/StandardWebhooks.Tests/WebhookTest.cs
    // (verifyWebhookSignWorks; the same values are in the Go, JavaScript, PHP, Python, ... libraries' tests).
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string Id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private const string Timestamp = "1614265330";
    private const string Body = "{\"test\": 2432232314}";
    private const string Signature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1614265330);

    [Fact]
    public void The_published_vector_verifies()
    {
        Assert.True(StandardWebhooks.Verify(Secret, Id, Timestamp, Body, Signature, Now, out var why), why);
        Assert.Null(why);
    }

    [Fact]
    public void Signing_reproduces_the_published_vector() =>
        Assert.Equal(Signature, StandardWebhooks.Sign(Secret, Id, Timestamp, Body));

    [Fact]
    public void A_tampered_body_fails()
    {
        Assert.False(StandardWebhooks.Verify(Secret, Id, Timestamp, "{\"test\": 2432232315}", Signature, Now, out var why));
        Assert.Contains("none of the 1 v1 signature", why);
        Assert.False(StandardWebhooks.Verify(Secret, Id, Timestamp, "{\"test\":2432232314}", Signature, Now, out _));
    }

    [Fact]
    public void A_wrong_id_fails() =>
        Assert.False(StandardWebhooks.Verify(Secret, "msg_p5jXN8AQM9LWM0D4loKWxJeK", Timestamp, Body, Signature, Now, out _));

    [Fact]
    public void A_wrong_secret_fails()
    {
        var other = StandardWebhooks.NewSecret();
        Assert.False(StandardWebhooks.Verify(other, Id, Timestamp, Body, Signature, Now, out var why));
        Assert.Contains("v1 signature", why);
    }

    [Fact]
    public void The_secret_must_be_in_the_spec_serialization()
    {
        Assert.False(StandardWebhooks.Verify("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", Id, Timestamp, Body, Signature, Now, out var why));
        Assert.Contains("whsec_", why);
        Assert.False(StandardWebhooks.Verify("whsec_not base64!", Id, Timestamp, Body, Signature, Now, out why));
        Assert.Contains("base64", why);
    }

    [Theory]
    [InlineData(-301)]
    [InlineData(301)]
    [InlineData(-86_400)]
    public void A_timestamp_more_than_five_minutes_from_now_fails(int offsetSeconds)
    {
        // The signature is right for the timestamp; only the clock moved.
        Assert.False(StandardWebhooks.Verify(Secret, Id, Timestamp, Body, Signature, Now.AddSeconds(-offsetSeconds), out var why));
        Assert.Contains("tolerance", why);
    }

    [Theory]
    [InlineData(-300)]
    [InlineData(300)]
    public void A_timestamp_exactly_five_minutes_from_now_passes(int offsetSeconds) =>
        Assert.True(StandardWebhooks.Verify(Secret, Id, Timestamp, Body, Signature, Now.AddSeconds(-offsetSeconds), out var why), why);

    [Theory]
    [InlineData("1614265330.0")]
    [InlineData("-1614265330")]
    [InlineData(" 1614265330")]
    [InlineData("")]
    public void A_timestamp_that_is_not_integer_seconds_fails(string timestamp)
    {
        Assert.False(StandardWebhooks.Verify(Secret, Id, timestamp, Body, Signature, Now, out var why));
        Assert.Contains("timestamp", why);
    }

    [Fact]
    public void Two_signatures_pass_when_the_second_is_right()
    {
        var rotated = StandardWebhooks.Sign(StandardWebhooks.NewSecret(), Id, Timestamp, Body);
        Assert.True(StandardWebhooks.Verify(Secret, Id, Timestamp, Body, $"{rotated} {Signature}", Now, out var why), why);
    }

    [Fact]
    public void Other_versions_are_ignored_even_with_the_right_signature()
    {
        var right = Signature["v1,".Length..];
        Assert.True(StandardWebhooks.Verify(Secret, Id, Timestamp, Body, $"v1a,{right}bm9wZQ== {Signature}", Now, out var why), why);
        Assert.False(StandardWebhooks.Verify(Secret, Id, Timestamp, Body, $"v2,{right} v1a,{right}", Now, out why));
        Assert.Contains("no v1 entry", why);
    }

    [Fact]
    public void Only_standard_padded_base64_matches()
    {
        Assert.False(StandardWebhooks.Verify(Secret, Id, Timestamp, Body, Signature.TrimEnd('='), Now, out _));
        Assert.False(StandardWebhooks.Verify(Secret, Id, Timestamp, Body, Signature.Replace('+', '-').Replace('/', '_'), Now, out _));
    }
}
