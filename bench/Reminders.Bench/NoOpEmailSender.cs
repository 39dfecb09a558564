using Reminders.Email;

namespace Reminders.Bench;

/// <summary>Accepts every message at once, so a sweep's time is storage work and nothing else.</summary>
internal sealed class NoOpEmailSender : IEmailSender
{
    private int _accepted;

    public int Accepted => Volatile.Read(ref _accepted);

    public SenderTraits Traits { get; } = new("NoOp", new SendLimits("noop", 0, 0), CanConfirmEarlierAttempt: true);

    public Task<EmailSendResult> SendAsync(EmailMessage message, CancellationToken ct)
    {
        Interlocked.Increment(ref _accepted);
        return Task.FromResult(EmailSendResult.Accepted(message.MessageId));
    }
}
