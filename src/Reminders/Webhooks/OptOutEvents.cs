namespace Reminders.Webhooks;

/// <summary>Tells the clinic's receiver when a patient opts out or back in: patient.optedOut / patient.optedIn, with the patient id only.</summary>
public sealed class OptOutEvents(WebhookSubscriptions subscriptions, WebhookPublisher publisher, TimeProvider time)
{
    /// <summary>Whether the choice must be compared with the stored one first (only for clinics with a receiver).</summary>
    public ValueTask<bool> WantedAsync(string clinicId, CancellationToken ct) => subscriptions.WantsEventsAsync(clinicId, ct);

    public Task TellAsync(string clinicId, string patientId, bool optedOut, CancellationToken ct) =>
        publisher.PublishAsync(
            [PendingWebhook.From(WebhookEvent.Patient(optedOut ? WebhookEventTypes.PatientOptedOut : WebhookEventTypes.PatientOptedIn, clinicId, patientId, time.GetUtcNow()))],
            ct);
}
