namespace Reminders.Unsubscribe;

/// <summary>Settings for the links in emails and the keys behind them (under <c>Reminders</c>).</summary>
public sealed class PatientLinkOptions
{
    /// <summary>The origin patients' links point at, e.g. https://reminders.clinic.example. In Development, defaults to the local address.</summary>
    public string PublicBaseUrl { get; set; } = "";

    /// <summary>
    /// Key (at least 32 characters) from which unsubscribe tokens and API continuation tokens are sealed. Required
    /// outside Development; in Development a fixed, public development value is used. Rotating it ends the links in
    /// emails already sent.
    /// </summary>
    public string LinkSigningKey { get; set; } = "";

    /// <summary>
    /// HMAC key (at least 32 characters) of the address hashes opt-outs are stored under, so nobody holding the table can
    /// confirm a guessed address. Never rotate it: opt-outs stored under the old key would no longer match.
    /// Required outside Development; in Development a fixed, public development value is used.
    /// </summary>
    public string AddressHashKey { get; set; } = "";

    public const string DevelopmentBaseUrl = "http://127.0.0.1:7071";
    public const string DevelopmentLinkSigningKey = "development-only-link-signing-key-not-secret";
    public const string DevelopmentAddressHashKey = "development-only-address-hash-key-not-secret";
    public const int MinKeyLength = 32;
}
