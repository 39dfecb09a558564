using Reminders.Email;

namespace Reminders.Tests.Email;

/// <summary>What the delivery-report endpoint keeps of the provider's text, and what it refuses before applying anything.</summary>
public sealed class DeliveryReportParsingTests
{
    [Theory]
    [InlineData("550 5.1.1 <ana@example.com>: Recipient address rejected", "550 5.1.1 <[address]>: Recipient address rejected")]
    [InlineData("Mailbox ana.garcia+reminders@sub.example.co.uk is full", "Mailbox [address] is full")]
    [InlineData("Message blocked for \"ANA@EXAMPLE.COM\" (policy)", "Message blocked for \"[address]\" (policy)")]
    [InlineData("No error.", "No error.")]
    public void Anything_like_an_address_is_taken_out_of_the_reason(string message, string stored)
    {
        Assert.Equal(stored, DeliveryReports.Redact(message));
    }

    [Fact]
    public void An_empty_reason_is_not_stored_and_a_long_one_is_cut()
    {
        Assert.Null(DeliveryReports.Redact("  "));
        Assert.Equal(500, DeliveryReports.Redact(new string('x', 2000))!.Length);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("[1]")]
    [InlineData("[{\"id\":\"1\",\"eventType\":\"Microsoft.Communication.EmailDeliveryReportReceived\",\"subject\":\"s\",\"eventTime\":\"2026-03-02T09:00:00Z\",\"dataVersion\":\"1.0\",\"data\":{\"status\":\"Delivered\"}}]")]
    [InlineData("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"s\",\"type\":\"Microsoft.Communication.EmailDeliveryReportReceived\",\"data\":{\"messageId\":\"m\"}}")]
    [InlineData("not json")]
    public void A_malformed_body_is_refused_with_a_reason(string body)
    {
        var (parsed, error) = DeliveryReports.Parse(BinaryData.FromString(body), "application/json");

        Assert.Null(parsed);
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void Other_event_types_are_counted_and_not_applied()
    {
        const string body = "[{\"id\":\"1\",\"topic\":\"t\",\"subject\":\"s\",\"eventType\":\"Microsoft.Communication.EmailEngagementTrackingReportReceived\",\"eventTime\":\"2026-03-02T09:00:00Z\",\"data\":{},\"dataVersion\":\"1.0\",\"metadataVersion\":\"1\"}]";

        var (parsed, error) = DeliveryReports.Parse(BinaryData.FromString(body), "application/json");

        Assert.Null(error);
        Assert.Empty(parsed!.Reports);
        Assert.Equal(1, parsed.Other);
    }
}
