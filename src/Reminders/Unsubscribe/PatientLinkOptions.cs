namespace Reminders.Unsubscribe;

/// <summary>Settings for the links in emails (under <c>Reminders</c>): where they point and the key that signs them.</summary>
public sealed class PatientLinkOptions
{
    /// <summary>The origin patients' links point at, e.g. https://reminders.clinic.example. In Development, defaults to the local address.</summary>
    public string PublicBaseUrl { get; set; } = "";

    /// <summary>HMAC key for unsubscribe tokens, at least 32 characters. Required outside Development; generated at start-up in Development.</summary>
    public string LinkSigningKey { get; set; } = "";

    public const string DevelopmentBaseUrl = "http://127.0.0.1:7071";
    public const int MinKeyLength = 32;
}
