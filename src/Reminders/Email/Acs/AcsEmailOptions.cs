namespace Reminders.Email.Acs;

/// <summary>
/// Settings under <c>Email:Acs</c> (environment: <c>Email__Acs__Name</c>) for the Azure Communication Services sender.
/// Give exactly one of <see cref="ConnectionString"/> (access key, HMAC) or <see cref="Endpoint"/> (Microsoft Entra ID).
/// The quota defaults are the ACS defaults for a custom (verified) domain.
/// </summary>
public sealed class AcsEmailOptions
{
    public const string Section = "Email:Acs";

    /// <summary><c>endpoint=https://name.communication.azure.com/;accesskey=BASE64</c>: requests are signed with the access key.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// <c>https://name.communication.azure.com</c> alone: requests carry a Microsoft Entra ID token, from the identity
    /// that <see cref="Credential"/> and <see cref="ClientId"/> name (default: DefaultAzureCredential).
    /// </summary>
    public string? Endpoint { get; set; }

    /// <summary>Entra ID mode: <c>managedidentity</c> to use a managed identity only (as <c>AzureWebJobsStorage__credential</c>).</summary>
    public string? Credential { get; set; }

    /// <summary>Entra ID mode: the client id of the user-assigned managed identity allowed to send through the resource.</summary>
    public string? ClientId { get; set; }

    /// <summary>Sends per sliding minute; the sender waits for a free slot rather than running into 429s.</summary>
    public int MaxPerMinute { get; set; } = 30;

    /// <summary>Sends per sliding hour; once used up, sends return Transient (the reminder waits) instead of calling ACS.</summary>
    public int MaxPerHour { get; set; } = 100;

    /// <summary>Status requests per sliding minute (the pre-send check of a retried reminder and the sweep's settlement checks).</summary>
    public int MaxStatusChecksPerMinute { get; set; } = 60;

    /// <summary>Status requests per sliding hour.</summary>
    public int MaxStatusChecksPerHour { get; set; } = 200;

    /// <summary>Retries of one request after 408, 429 or 5xx (Azure.Core retry policy, exponential).</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>Base delay of the exponential back-off.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Longest wait between two tries. A <c>retry-after</c> longer than this is not waited out: the send returns Transient.
    /// Kept short so one slow send cannot push a sweep past its time budget and the Functions timeout.
    /// </summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Timeout of one HTTP try. A send that times out is Transient; the reminder's next attempt asks ACS for its status first.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(15);
}
