using System.Net;
using System.Text;
using Reminders.Tests.Infrastructure;

namespace Reminders.Tests.Webhooks;

/// <summary>The loopback webhook receiver itself: recording, scripted answers, held requests, signalled waits.</summary>
public sealed class WebhookReceiverTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private static HttpClient NewClient(TimeSpan? timeout = null) =>
        new(new SocketsHttpHandler { UseProxy = false }) { Timeout = timeout ?? TimeSpan.FromSeconds(30) };

    private static HttpRequestMessage Signed(Uri url, string secret, string id, string body)
    {
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("webhook-id", id);
        request.Headers.Add("webhook-timestamp", timestamp);
        request.Headers.Add("webhook-signature", StandardWebhooks.Sign(secret, id, timestamp, body));
        return request;
    }

    [Fact]
    public async Task A_post_is_recorded_exactly_and_answered_204()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var client = NewClient();
        var secret = StandardWebhooks.NewSecret();
        const string body = "{\"type\":\"reminder.sent\",\"text\":\"caf\u00e9 \u2013 \ud83d\udd14\",\"n\": 1 }";

        using var response = await client.SendAsync(Signed(receiver.Url, secret, "msg_1", body));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("127.0.0.1", receiver.Url.Host);
        Assert.Equal("/hooks", receiver.Url.AbsolutePath);
        var received = Assert.Single(receiver.Received);
        Assert.Equal(body, received.Body);
        Assert.Equal("msg_1", received.Id);
        Assert.Equal(204, received.AnsweredStatus);
        Assert.Equal("POST", received.Method);
        Assert.Equal("/hooks", received.Path);
        Assert.Equal("application/json; charset=utf-8", received.Headers["content-type"]);
        Assert.All(received.Headers.Keys, name => Assert.Equal(name.ToLowerInvariant(), name));
        Assert.True(StandardWebhooks.Verify(secret, received, DateTimeOffset.UtcNow, out var why), why);
    }

    [Fact]
    public async Task Scripted_answers_come_first_then_the_default()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var client = NewClient();
        receiver.AnswerNext(500);

        using var first = await client.PostAsync(receiver.Url, new StringContent("{\"a\":1}"));
        using var second = await client.PostAsync(receiver.Url, new StringContent("{\"a\":2}"));

        Assert.Equal(HttpStatusCode.InternalServerError, first.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, second.StatusCode);
        Assert.Equal([500, 204], receiver.Received.Select(r => r.AnsweredStatus));
        Assert.Equal(["{\"a\":1}", "{\"a\":2}"], receiver.Received.Select(r => r.Body));
    }

    [Fact]
    public async Task A_held_request_is_answered_when_released()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var client = NewClient();
        var gate = receiver.HoldNext();

        var sending = client.PostAsync(receiver.Url, new StringContent("held"));
        var arrived = await gate.Arrived.WaitAsync(Wait);
        Assert.Equal("held", arrived.Body);
        Assert.False(sending.IsCompleted);
        Assert.Empty(receiver.Received);

        gate.Release(503);
        using var response = await sending.WaitAsync(Wait);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(503, (await gate.Finished.WaitAsync(Wait)).AnsweredStatus);
        Assert.Equal(503, Assert.Single(receiver.Received).AnsweredStatus);
    }

    [Fact]
    public async Task A_held_request_whose_client_gives_up_is_recorded_unanswered_and_the_server_carries_on()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var client = NewClient();
        var gate = receiver.HoldNext();
        using var giveUp = new CancellationTokenSource();

        var sending = client.PostAsync(receiver.Url, new StringContent("first"), giveUp.Token);
        await gate.Arrived.WaitAsync(Wait);
        giveUp.Cancel(); // what a sender's short timeout does, without depending on the clock
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sending);

        var abandoned = await gate.Finished.WaitAsync(Wait);
        Assert.Equal(0, abandoned.AnsweredStatus);
        gate.Release(200); // too late: nothing happens

        using var retry = await client.PostAsync(receiver.Url, new StringContent("second"));
        Assert.Equal(HttpStatusCode.NoContent, retry.StatusCode);
        await receiver.WaitForCountAsync(2, Wait);
        Assert.Equal([(0, "first"), (204, "second")], receiver.Received.Select(r => (r.AnsweredStatus, r.Body)));
    }

    [Fact]
    public async Task A_sender_timeout_against_a_held_request_is_deterministic()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var client = NewClient(TimeSpan.FromMilliseconds(200));
        var gate = receiver.HoldNext();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.PostAsync(receiver.Url, new StringContent("slow")));

        Assert.True(gate.Arrived.IsCompleted); // the client only timed out because the request was held
        Assert.Equal(0, (await gate.Finished.WaitAsync(Wait)).AnsweredStatus);
    }

    [Fact]
    public async Task Waits_are_released_by_arrivals_and_time_out_listing_what_came()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var client = NewClient();

        var waiting = receiver.WaitForAsync(r => r.Id == "msg_b", Wait);
        var counting = receiver.WaitForCountAsync(2, Wait);
        Assert.False(waiting.IsCompleted);
        foreach (var id in new[] { "msg_a", "msg_b" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, receiver.Url) { Content = new StringContent(id) };
            request.Headers.Add("webhook-id", id);
            using var _ = await client.SendAsync(request);
        }
        Assert.Equal("msg_b", (await waiting).Body);
        await counting;

        var timeout = await Assert.ThrowsAsync<TimeoutException>(() => receiver.WaitForAsync(r => r.Id == "msg_c", TimeSpan.FromMilliseconds(100)));
        Assert.Contains("webhook-id=msg_a", timeout.Message);
        Assert.Contains("webhook-id=msg_b", timeout.Message);
    }
}
