using System.Text.Json;
using System.Text.RegularExpressions;
using Azure.Messaging;
using Azure.Messaging.EventGrid;
using Azure.Messaging.EventGrid.SystemEvents;
using Microsoft.Extensions.Logging;
using Reminders.Ledger;
using Reminders.Unsubscribe;

namespace Reminders.Email;

/// <summary>
/// ACS delivery reports (Event Grid <c>Microsoft.Communication.EmailDeliveryReportReceived</c>), in the Event Grid
/// schema or as CloudEvents 1.0. Each is matched to its reminder by the message id (the ACS operation id, which is
/// the reminder id), and its state is written on the send ledger entry: the latest by the event's own time wins. A
/// hard bounce or a suppressed address stops the clinic's reminders to that address (a keyed hash, like an opt-out).
/// The recipient address is hashed at once and never stored or logged; the provider's message is stored without
/// anything that looks like an address, and never logged.
/// </summary>
public sealed partial class DeliveryReports(SendLedger ledger, OptOuts optOuts, Webhooks.DeliveryReportEvents events, ILogger<DeliveryReports> logger)
{
    /// <summary>The delivery states ACS reports (<c>AcsEmailDeliveryReportStatus</c>).</summary>
    public static readonly IReadOnlyList<string> States = ["Delivered", "Expanded", "Bounced", "Suppressed", "Quarantined", "FilteredSpam", "Failed"];

    /// <summary>A delivery report, checked and ready to apply.</summary>
    public sealed record Report(string MessageId, string Status, DateTimeOffset At, string? Recipient, string? Reason);

    /// <summary>What a POST carried: a subscription validation code, or reports (and how many other events).</summary>
    public sealed record Parsed(string? ValidationCode, IReadOnlyList<Report> Reports, int Other);

    /// <summary>What became of a batch of events (never an address, never a message id of someone else's).</summary>
    /// <param name="Events">Events in the request.</param>
    /// <param name="Recorded">Reports that are now their reminder's delivery state.</param>
    /// <param name="Unchanged">Reports already known, or older than the state recorded (events come out of order and more than once).</param>
    /// <param name="Unmatched">Reports for a message this service does not know (another app on the same ACS resource).</param>
    /// <param name="Ignored">Other event types, or a delivery state this service does not know.</param>
    public sealed record Outcome(int Events, int Recorded, int Unchanged, int Unmatched, int Ignored);

    /// <summary>Parses every event before anything is applied: one malformed event refuses the whole request (null, and why).</summary>
    public static (Parsed? Parsed, string? Error) Parse(BinaryData body, string? contentType)
    {
        JsonElement root;
        try
        {
            using var doc = JsonDocument.Parse(body);
            root = doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            return (null, "The body is not valid JSON.");
        }
        var first = root.ValueKind == JsonValueKind.Array ? root.EnumerateArray().FirstOrDefault() : root;
        if (root.ValueKind == JsonValueKind.Array && root.GetArrayLength() == 0) return (new Parsed(null, [], 0), null);
        if (first.ValueKind != JsonValueKind.Object) return (null, "Each event must be a JSON object.");
        var cloud = contentType?.Contains("cloudevents", StringComparison.OrdinalIgnoreCase) == true || first.TryGetProperty("specversion", out _);
        try
        {
            return cloud ? ParseCloudEvents(body) : ParseEventGridEvents(body, root);
        }
        catch (Exception e) when (e is JsonException or ArgumentException or FormatException or InvalidOperationException or NotSupportedException)
        {
            return (null, cloud ? "The body is not a valid CloudEvent or batch of CloudEvents." : "The body is not a valid array of Event Grid events.");
        }
    }

    private static (Parsed?, string?) ParseEventGridEvents(BinaryData body, JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Array) return (null, "Event Grid events come as a JSON array.");
        var reports = new List<Report>();
        var other = 0;
        foreach (var e in EventGridEvent.ParseMany(body))
        {
            if (string.IsNullOrEmpty(e.Id) || string.IsNullOrEmpty(e.EventType)) return (null, "Each event needs an id and an eventType.");
            if (e.EventType == SystemEventNames.EventGridSubscriptionValidation)
            {
                if (!e.TryGetSystemEventData(out var v) || v is not SubscriptionValidationEventData { ValidationCode: { Length: > 0 } code })
                    return (null, "The subscription validation event has no validationCode.");
                return (new Parsed(code, [], 0), null);
            }
            if (e.EventType != SystemEventNames.AcsEmailDeliveryReportReceived) { other++; continue; }
            var report = Read(e.TryGetSystemEventData(out var data) ? data : null, e.EventTime);
            if (report is null) return (null, $"Event {Quote(e.Id)} is not a valid email delivery report (data.messageId and data.status are required).");
            reports.Add(report);
        }
        return (new Parsed(null, reports, other), null);
    }

    private static (Parsed?, string?) ParseCloudEvents(BinaryData body)
    {
        var reports = new List<Report>();
        var other = 0;
        foreach (var e in CloudEvent.ParseMany(body, skipValidation: false))
        {
            if (e.Type != SystemEventNames.AcsEmailDeliveryReportReceived) { other++; continue; }
            var report = Read(e.TryGetSystemEventData(out var data) ? data : null, e.Time ?? default);
            if (report is null) return (null, $"Event {Quote(e.Id)} is not a valid email delivery report (data.messageId and data.status are required).");
            reports.Add(report);
        }
        return (new Parsed(null, reports, other), null);
    }

    private static Report? Read(object? data, DateTimeOffset eventTime)
    {
        if (data is not AcsEmailDeliveryReportReceivedEventData report || string.IsNullOrWhiteSpace(report.MessageId) || report.Status is not { } status)
            return null;
        var state = status.ToString();
        if (string.IsNullOrEmpty(state)) return null;
        var at = eventTime != default ? eventTime : report.DeliveryAttemptTimestamp ?? default;
        if (at == default) return null;
        return new Report(report.MessageId, state, at, report.Recipient, Redact(report.DeliveryStatusDetails?.StatusMessage));
    }

    /// <summary>The provider's status message without anything that looks like an email address, at most 500 characters.</summary>
    public static string? Redact(string? message)
    {
        if (string.IsNullOrWhiteSpace(message)) return null;
        var redacted = AddressLike().Replace(message, "[address]");
        return redacted.Length <= 500 ? redacted : redacted[..500];
    }

    [GeneratedRegex(@"[^\s<>()\[\],;:""']*@[^\s<>()\[\],;:""']*", RegexOptions.CultureInvariant)]
    private static partial Regex AddressLike();

    private static string Quote(string? id) => id is null ? "(no id)" : $"'{(id.Length > 64 ? id[..64] : id)}'";

    /// <summary>Applies checked reports: each to its ledger entry, a bounce to the clinic's bounced addresses.</summary>
    public async Task<Outcome> ApplyAsync(Parsed parsed, CancellationToken ct)
    {
        int recorded = 0, unchanged = 0, unmatched = 0, ignored = parsed.Other;
        foreach (var report in parsed.Reports)
        {
            var status = States.FirstOrDefault(s => string.Equals(s, report.Status, StringComparison.OrdinalIgnoreCase));
            if (status is null) { ignored++; continue; }
            var entry = await ledger.FindByMessageIdAsync(report.MessageId, ct);
            if (entry is null) { unmatched++; continue; }
            // The address is hashed here and now (clinic-scoped, keyed), and goes no further.
            var addressHash = entry.ClinicId is { Length: > 0 } clinicId && !string.IsNullOrWhiteSpace(report.Recipient)
                ? optOuts.AddressHash(clinicId, report.Recipient) : null;
            // A repeat or an older report changes nothing, a bounce included (one the clinic lifted stays lifted).
            if (entry.DeliveryAt is { } known && known >= report.At)
            {
                unchanged++;
                // The same report again: the clinic's event may not have been queued the first time (a crash, an
                // error answered to Event Grid). Told again with the same id; a receiver sees one event.
                if (known == report.At && entry.Delivery == status) await events.TellAsync(entry, status, report.At, ct);
                continue;
            }
            if (status is "Bounced" or "Suppressed")
            {
                // Before the ledger: if this write fails, Event Grid's retry finds the ledger unchanged and writes both.
                if (addressHash is null)
                    logger.LogWarning("Reminder {ReminderId} {Status}, but its clinic or recipient is not known: no address is stopped", entry.ReminderId, status);
                else
                {
                    await optOuts.RecordBounceAsync(entry.ClinicId!, addressHash, status, report.At, ct);
                    logger.LogInformation("Reminder {ReminderId} {Status}: the clinic's reminders to that address stop until it lifts this or the address changes",
                        entry.ReminderId, status);
                }
            }
            // The clinic's event before the ledger, as the bounce: if the ledger write fails, Event Grid's retry finds
            // it unwritten and tells again, with the same event id (one event for the receiver).
            await events.TellAsync(entry, status, report.At, ct);
            if (await ledger.RecordDeliveryAsync(entry, status, report.At, report.Reason, ct)) recorded++;
            else unchanged++;
        }
        var outcome = new Outcome(parsed.Reports.Count + parsed.Other, recorded, unchanged, unmatched, ignored);
        logger.LogInformation("Email delivery reports: {Events} events, {Recorded} recorded, {Unchanged} unchanged, {Unmatched} for unknown messages, {Ignored} ignored",
            outcome.Events, outcome.Recorded, outcome.Unchanged, outcome.Unmatched, outcome.Ignored);
        return outcome;
    }
}
