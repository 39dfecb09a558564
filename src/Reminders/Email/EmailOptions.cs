using System.ComponentModel.DataAnnotations;

namespace Reminders.Email;

/// <summary>Settings under <c>Email</c> (environment: <c>Email__Name</c>).</summary>
public sealed class EmailOptions
{
    public const string Section = "Email";

    /// <summary>Which sender delivers reminders. Only <c>Outbox</c> so far.</summary>
    [RegularExpression("^(Outbox)$", ErrorMessage = "Email:Provider must be 'Outbox'.")]
    public string Provider { get; set; } = "Outbox";

    /// <summary>Folder the outbox writes one .eml file per reminder into (relative to the working directory).</summary>
    [Required]
    public string OutboxPath { get; set; } = "outbox";

    /// <summary>The From address of every reminder; its domain also names the Message-IDs.</summary>
    [Required]
    public string SenderAddress { get; set; } = "reminders@reminders.localhost";
}
