using Reminders.Email;

namespace Reminders.FaultHost;

/// <summary>The real sender, with a journal line "HANDED reminderId messageId time" as soon as a provider accepted a message.</summary>
internal sealed class JournalingSender(IEmailSender inner, Journal journal, FaultSwitch fault, TimeProvider clock) : IEmailSender, IDeliveryStatusChecker
{
    public SenderTraits Traits => inner.Traits;

    public async Task<EmailSendResult> SendAsync(EmailMessage message, CancellationToken ct)
    {
        using var handover = await fault.BeginHandoverAsync();
        var result = await inner.SendAsync(message, ct);
        if (result.Outcome == EmailSendOutcome.Accepted) journal.Write($"HANDED {message.ReminderId} {message.MessageId} {clock.GetUtcNow():O}");
        return result;
    }

    public Task<DeliveryStatus> CheckAsync(string providerMessageId, CancellationToken ct) =>
        inner is IDeliveryStatusChecker checker ? checker.CheckAsync(providerMessageId, ct) : Task.FromResult(new DeliveryStatus(DeliveryState.Running));
}
