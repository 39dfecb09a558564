using System.ComponentModel.DataAnnotations;

namespace Reminders.Email;

/// <summary>Settings under <c>Email</c> (environment: <c>Email__Name</c>).</summary>
public sealed class EmailOptions
{
    public const string Section = "Email";

    /// <summary>Which sender delivers reminders: <c>Outbox</c> (.eml files), <c>Smtp</c> (any SMTP server) or <c>Acs</c> (Azure Communication Services).</summary>
    [RegularExpression("^(Outbox|Smtp|Acs)$", ErrorMessage = "Email:Provider must be Outbox, Smtp or Acs.")]
    public string Provider { get; set; } = "Outbox";

    /// <summary>Folder the outbox writes one .eml file per reminder into (relative to the working directory).</summary>
    [Required]
    public string OutboxPath { get; set; } = "outbox";

    /// <summary>The From address of every reminder; its domain also names the Message-IDs.</summary>
    [Required]
    public string SenderAddress { get; set; } = "reminders@reminders.localhost";

    /// <summary>Outbox and SMTP: sends per sliding minute across every instance; 0, no limit. (ACS has its own, under Email:Acs.)</summary>
    [Range(0, 1_000_000)]
    public int MaxPerMinute { get; set; }

    /// <summary>Outbox and SMTP: sends per sliding hour across every instance; 0, no limit.</summary>
    [Range(0, 10_000_000)]
    public int MaxPerHour { get; set; }

    public SendLimits Limits(string resource) => new(resource, MaxPerMinute, MaxPerHour);
}
