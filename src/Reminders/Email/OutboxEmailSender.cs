using Microsoft.Extensions.Options;

namespace Reminders.Email;

/// <summary>
/// Local sender: writes each reminder as an .eml file named by its reminder id, so sending the same reminder
/// again overwrites the file instead of adding a second email.
/// </summary>
public sealed class OutboxEmailSender(IOptions<EmailOptions> options, TimeProvider time) : IEmailSender
{
    public string Folder { get; } = Path.GetFullPath(options.Value.OutboxPath);

    /// <summary>A file named by the reminder id is replaced, never doubled: an unclear earlier attempt needs no check.</summary>
    public SenderTraits Traits { get; } = new("Outbox", options.Value.Limits("outbox"), CanConfirmEarlierAttempt: true);

    public async Task<EmailSendResult> SendAsync(EmailMessage email, CancellationToken ct)
    {
        try
        {
            Directory.CreateDirectory(Folder);
            var path = Path.Combine(Folder, $"{email.ReminderId}.eml");
            var temporary = path + ".tmp";
            await using (var file = File.Create(temporary))
                await MimeMessages.WriteFileAsync(MimeMessages.Create(email, time.GetUtcNow()), file, ct);
            // Atomic replace: a reader never sees half a message, and a resend leaves exactly one file.
            File.Move(temporary, path, overwrite: true);
            return EmailSendResult.Accepted(email.MessageId);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A full disk or a permission problem is the operator's to fix; the reminder waits for the next run.
            return new EmailSendResult(EmailSendOutcome.Misconfigured, ErrorCode: "OutboxUnwritable", Error: e.Message);
        }
    }
}
