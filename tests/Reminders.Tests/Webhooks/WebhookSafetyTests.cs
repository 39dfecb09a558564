using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Reminders.Tests.Infrastructure;
using Reminders.Webhooks;

namespace Reminders.Tests.Webhooks;

/// <summary>
/// Webhooks where they can go wrong: the process stopping between the status change and queueing its event, a
/// receiver's name that resolves inside the network, and clinics without a receiver paying for the feature. The
/// Server's storage goes through a <see cref="StorageGate"/> that fails or counts chosen requests.
/// </summary>
public sealed class WebhookSafetyTests(Azurite azurite) : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private readonly StorageGate _gate = new();
    private WebhookReceiver _receiver = null!;
    private ServerHost? _host;

    public async ValueTask InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    private async Task<ServerHost> StartAsync(bool allowLoopback, bool consume = true)
    {
        var settings = new TestSettings(azurite.ConnectionString)
        {
            Extra = new Dictionary<string, string?>
            {
                ["Reminders:Webhooks:AllowLoopbackForTests"] = allowLoopback.ToString(),
                ["Reminders:Webhooks:RetryDelays:0"] = "00:00:00.2",
                ["Reminders:Webhooks:Consume"] = consume.ToString(),
            },
        };
        _host = await ServerHost.StartAsync(settings, TestClock.New(), services =>
        {
            _gate.Install(services, settings.ConnectionString);
        });
        return _host;
    }

    private string Table(string name) => _host!.Settings.TablePrefix + name;

    private async Task<List<TableEntity>> OutboxRowsAsync(string clinicId)
    {
        var table = _host!.Services.GetRequiredService<TableServiceClient>().GetTableClient(Table("Patients"));
        var rows = new List<TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == clinicId))
            if (row.RowKey.StartsWith(WebhookOutboxEntity.Prefix, StringComparison.Ordinal)) rows.Add(row);
        return rows;
    }

    private async Task<JsonArray> DeliveriesAsync(string apiKey) =>
        (await (await _host!.SendAsync(HttpMethod.Get, "/api/webhooks/deliveries", apiKey)).Content.ReadFromJsonAsync<JsonObject>())!["deliveries"]!.AsArray();

    [Fact]
    public async Task An_event_whose_queueing_died_after_the_status_change_is_sent_by_the_next_sweep_once()
    {
        var host = await StartAsync(allowLoopback: true);
        var apiKey = await host.CreateClinicAsync("c1");
        Assert.Equal(HttpStatusCode.Created, (await host.SendAsync(HttpMethod.Put, "/api/webhooks", apiKey, new { url = _receiver.Url.ToString() })).StatusCode);
        await host.PostSessionOkAsync(apiKey, new { patientId = "p1", email = "ana@example.com", injectionDate = host.DaysAgo(80), sessionId = "s1" });
        // The Sent decision commits with its event row; the first write after it (the delivery row) dies.
        _gate.FailFirst(c => c.Method == "POST" && c.Url.Contains("/" + Table("Webhooks")) && !c.IsBatch);

        Assert.Equal(1, (await host.SweepAsync()).Count("sent"));

        Assert.Equal("reminder.sent", Assert.Single(await OutboxRowsAsync("c1"))["EventType"]);
        Assert.Empty(await DeliveriesAsync(apiKey));

        host.Time.Advance(WebhookOutbox.Abandoned + TimeSpan.FromMinutes(1));
        await host.SweepAsync();

        var sent = await _receiver.WaitForAsync(w => w.AnsweredStatus == 204, Wait);
        Assert.Contains("\"reminder.sent\"", sent.Body);
        Assert.Empty(await OutboxRowsAsync("c1"));
        await host.SweepAsync(); // nothing left to relay, nothing sent twice
        Assert.Equal("Delivered", Assert.Single(await DeliveriesAsync(apiKey))!["state"]!.GetValue<string>());
        Assert.Single(_receiver.Received);
    }

    [Fact]
    public async Task A_delivery_whose_queue_message_was_lost_is_queued_again_by_a_later_sweep()
    {
        var host = await StartAsync(allowLoopback: true, consume: false);
        var apiKey = await host.CreateClinicAsync("c1");
        Assert.Equal(HttpStatusCode.Created, (await host.SendAsync(HttpMethod.Put, "/api/webhooks", apiKey, new { url = _receiver.Url.ToString() })).StatusCode);
        await host.PostSessionOkAsync(apiKey, new { patientId = "p1", email = "ana@example.com", injectionDate = host.DaysAgo(80), sessionId = "s1" });
        Assert.Equal(1, (await host.SweepAsync()).Count("sent"));
        var queue = host.Services.GetRequiredService<WebhookQueue>();
        await queue.Queue.ClearMessagesAsync(); // lost: a poison message, a crash between the row and its message

        await host.SweepAsync(); // not overdue yet: nothing queued
        Assert.Empty((await queue.Queue.PeekMessagesAsync(10)).Value);
        host.Time.Advance(WebhookDeliveries.Overdue + TimeSpan.FromMinutes(1));
        await host.SweepAsync();

        var message = Assert.Single((await queue.Queue.ReceiveMessagesAsync(10)).Value);
        await host.Services.GetRequiredService<WebhookSender>().HandleAsync(message.Body.ToString(), CancellationToken.None);
        var sent = Assert.Single(_receiver.Received);
        Assert.Contains("\"reminder.sent\"", sent.Body);
        Assert.Equal("Delivered", Assert.Single(await DeliveriesAsync(apiKey))!["state"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_receiver_name_that_now_resolves_to_a_private_address_is_not_called()
    {
        var host = await StartAsync(allowLoopback: false);
        var apiKey = await host.CreateClinicAsync("c1");
        // As if the name the clinic set (public when checked) now resolved to loopback: the check at connect time decides.
        await host.Services.GetRequiredService<WebhookSubscriptions>().SetUrlAsync("c1", _receiver.Url.ToString(), CancellationToken.None);
        await host.PostSessionOkAsync(apiKey, new { patientId = "p1", email = "ana@example.com", injectionDate = host.DaysAgo(80), sessionId = "s1" });

        Assert.Equal(1, (await host.SweepAsync()).Count("sent"));

        var deadline = DateTime.UtcNow + Wait;
        JsonNode? delivery = null;
        while (DateTime.UtcNow < deadline && delivery?["lastError"] is null)
        {
            delivery = (await DeliveriesAsync(apiKey)).SingleOrDefault();
            await Task.Delay(100);
        }
        Assert.Equal("BlockedAddress", delivery!["lastError"]!.GetValue<string>());
        Assert.Empty(_receiver.Received);
    }

    [Fact]
    public async Task A_clinic_without_a_receiver_writes_no_event_rows_and_reads_its_subscription_once()
    {
        var host = await StartAsync(allowLoopback: true);
        var apiKey = await host.CreateClinicAsync("c1");
        for (var i = 0; i < 5; i++)
            await host.PostSessionOkAsync(apiKey, new { patientId = $"p{i}", email = $"p{i}@example.com", injectionDate = host.DaysAgo(80), sessionId = "s1" });
        var before = _gate.Calls.Count;

        Assert.Equal(5, (await host.SweepAsync()).Count("sent"));

        var calls = _gate.Calls.Skip(before).ToList();
        Assert.DoesNotContain(calls, c => c.Body.Contains(WebhookOutboxEntity.Prefix) || c.Body.Contains(SentReminderEntity.Prefix));
        Assert.True(calls.Count(c => c.Touches(Table("Webhooks"))) <= 1, string.Join("\n", calls.Where(c => c.Touches(Table("Webhooks"))).Select(c => c.Method + " " + c.Url)));
        Assert.Empty(await OutboxRowsAsync("c1"));
    }
}
