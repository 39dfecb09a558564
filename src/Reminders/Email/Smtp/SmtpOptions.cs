namespace Reminders.Email.Smtp;

/// <summary>
/// Settings under <c>Email:Smtp</c> (environment: <c>Email__Smtp__Host</c> and so on), used when reminders go out
/// through an SMTP relay. Checked by <see cref="SmtpOptionsValidator"/>.
/// </summary>
public sealed class SmtpOptions
{
    public const string Section = "Email:Smtp";

    /// <summary>Host name or IP address of the SMTP server, without scheme or port. Required when the SMTP sender is used.</summary>
    public string? Host { get; set; }

    /// <summary>587 is the submission port (STARTTLS); 465 is implicit TLS; 25 is server-to-server relay.</summary>
    public int Port { get; set; } = 587;

    /// <summary>How the connection is secured; <see cref="SmtpSecurity.Auto"/> picks from the port.</summary>
    public SmtpSecurity Security { get; set; } = SmtpSecurity.Auto;

    /// <summary>Set both <see cref="UserName"/> and <see cref="Password"/> to authenticate; leave both empty for a relay that needs no login.</summary>
    public string? UserName { get; set; }

    public string? Password { get; set; }

    /// <summary>How long one connect, command or reply may take before the server counts as unreachable.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// After a send whose outcome is unknown (the connection dropped or timed out once the message had been sent, so
    /// the server may have kept it), wait this long before the one retry, with the same Message-ID. If that attempt is
    /// unclear too, the reminder fails with reason DeliveryUnknown and is not sent again automatically.
    /// </summary>
    public TimeSpan UnclearRetryDelay { get; set; } = TimeSpan.FromHours(1);
}
