using MailKit.Security;

namespace Reminders.Email.Smtp;

/// <summary>How the SMTP connection is secured (<c>Email:Smtp:Security</c>).</summary>
public enum SmtpSecurity
{
    /// <summary>Port 465: TLS from the first byte; any other port: STARTTLS when the server offers it, plain text otherwise.</summary>
    Auto,
    /// <summary>Plain text. Only for a relay on a trusted network.</summary>
    None,
    /// <summary>STARTTLS, required: a server that does not offer it is refused.</summary>
    StartTls,
    /// <summary>TLS from the first byte (implicit TLS, usually port 465).</summary>
    SslOnConnect,
}

internal static class SmtpSecurityExtensions
{
    public static SecureSocketOptions ToMailKit(this SmtpSecurity security) => security switch
    {
        SmtpSecurity.None => SecureSocketOptions.None,
        SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
        SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
        _ => SecureSocketOptions.Auto,
    };
}
