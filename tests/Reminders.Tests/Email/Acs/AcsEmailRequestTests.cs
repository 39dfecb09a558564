using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Reminders.Email;
using Reminders.Email.Acs;

namespace Reminders.Tests.Email.Acs;

/// <summary>The send body against the spec example (stable 2025-09-01 SendEmail.json) and the bytes the .NET SDK sent.</summary>
public sealed class AcsEmailRequestTests
{
    private static JsonObject ExampleMessage() => FakeAcsServer.Example("SendEmail.json")["parameters"]!["emailMessage"]!.AsObject();

    private static AcsEmailAddress Address(JsonNode node) => new((string)node["address"]!, (string?)node["displayName"]);

    [Fact]
    public void Built_from_the_spec_examples_values_our_json_is_the_examples_json_for_every_field_we_send()
    {
        var example = ExampleMessage();
        var request = new AcsEmailRequest(
            (string)example["senderAddress"]!,
            new AcsEmailContent((string)example["content"]!["subject"]!, (string)example["content"]!["plainText"]!, (string)example["content"]!["html"]!),
            new AcsEmailRecipients(example["recipients"]!["to"]!.AsArray().Select(a => Address(a!)).ToList()),
            example["replyTo"]!.AsArray().Select(a => Address(a!)).ToList(),
            example["headers"]!.AsObject().ToDictionary(h => h.Key, h => (string)h.Value!),
            (bool)example["userEngagementTrackingDisabled"]!);

        var ours = JsonNode.Parse(request.ToUtf8Bytes())!;

        var restricted = Restrict(example, ours, out var dropped);
        Assert.True(JsonNode.DeepEquals(restricted, ours), $"ours:     {ours.ToJsonString()}\nexample: {restricted.ToJsonString()}");
        // What reminders never send: copies and attachments.
        Assert.Equal(["$.attachments", "$.recipients.bcc", "$.recipients.cc"], dropped.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_reminder_with_the_examples_values_becomes_the_examples_json_for_one_recipient()
    {
        var example = ExampleMessage();
        var to = example["recipients"]!["to"]![0]!;
        var email = new EmailMessage(Guid.NewGuid(), 1, "id@domain.com", (string)example["senderAddress"]!, "Contoso",
            (string)to["address"]!, (string)to["displayName"]!, (string)example["replyTo"]![0]!["address"]!,
            (string)example["content"]!["subject"]!, (string)example["content"]!["plainText"]!, (string)example["content"]!["html"]!,
            example["headers"]!.AsObject().ToDictionary(h => h.Key, h => (string)h.Value!));

        var ours = JsonNode.Parse(AcsEmailRequest.From(email).ToUtf8Bytes())!;

        var expected = new JsonObject
        {
            ["senderAddress"] = example["senderAddress"]!.DeepClone(),
            ["content"] = example["content"]!.DeepClone(),
            ["recipients"] = new JsonObject { ["to"] = new JsonArray(to.DeepClone()) },
            ["replyTo"] = new JsonArray(new JsonObject { ["address"] = example["replyTo"]![0]!["address"]!.DeepClone() }),
            ["headers"] = example["headers"]!.DeepClone(),
            ["userEngagementTrackingDisabled"] = true,
        };
        Assert.True(JsonNode.DeepEquals(expected, ours), ours.ToJsonString());
    }

    [Fact]
    public void The_same_values_as_a_recorded_sdk_request_give_the_same_bytes_and_hash()
    {
        // The 304-byte body the .NET SDK sent in a recorded session (derived vector in hmac-test-vectors.json).
        var vector = FakeAcsServer.Example("hmac-test-vectors.json")["requestVectors"]!.AsArray()
            .Single(v => (string)v!["method"]! == "POST" && (int?)v["body_length_bytes"] == 304)!;
        var request = new AcsEmailRequest(
            "donotreply@3773742c-28d1-4e0a-89b2-1678f84745e6.azurecomm-dev.net",
            new AcsEmailContent("This is the subject", null, "<html><body>This is the html body</body></html>"),
            new AcsEmailRecipients([new AcsEmailAddress("acseaastesting@gmail.com", "")]),
            ReplyTo: null, Headers: null, UserEngagementTrackingDisabled: null);

        var bytes = request.ToUtf8Bytes();

        Assert.Equal((string)vector["body_utf8"]!, Encoding.UTF8.GetString(bytes));
        Assert.Equal((string)vector["x-ms-content-sha256"]!, Convert.ToBase64String(SHA256.HashData(bytes)));
    }

    [Fact]
    public void A_reminder_is_sent_without_tracking_with_our_headers_and_no_empty_values()
    {
        var reminderId = Guid.NewGuid();
        var email = AcsTestEmails.Reminder(reminderId, toName: null);
        email = email with { Headers = new Dictionary<string, string>(email.Headers) { ["X-Empty"] = "" } };

        var json = JsonNode.Parse(AcsEmailRequest.From(email).ToUtf8Bytes())!;

        Assert.Equal(email.From, (string)json["senderAddress"]!);
        Assert.Equal(email.Subject, (string)json["content"]!["subject"]!);
        Assert.Equal(email.TextBody, (string)json["content"]!["plainText"]!);
        Assert.Equal(email.HtmlBody, (string)json["content"]!["html"]!);
        var to = Assert.Single(json["recipients"]!["to"]!.AsArray())!.AsObject();
        Assert.Equal("ana@example.com", (string)to["address"]!);
        Assert.False(to.ContainsKey("displayName")); // no first name: no empty display name either
        Assert.Equal("desk@c1.example.com", (string)json["replyTo"]![0]!["address"]!);
        Assert.Equal("auto-generated", (string)json["headers"]!["Auto-Submitted"]!);
        Assert.Equal(reminderId.ToString(), (string)json["headers"]!["X-Reminder-Id"]!);
        Assert.False(json["headers"]!.AsObject().ContainsKey("X-Empty"));
        Assert.True((bool)json["userEngagementTrackingDisabled"]!);
        Assert.False(json.AsObject().ContainsKey("senderDisplayName")); // preview-only field
    }

    /// <summary>The example with only the properties <paramref name="shape"/> has (recursively); lists the JSON paths left out.</summary>
    private static JsonNode Restrict(JsonNode example, JsonNode shape, out List<string> dropped)
    {
        dropped = [];
        return Restrict(example, shape, "$", dropped);
    }

    private static JsonNode Restrict(JsonNode example, JsonNode shape, string path, List<string> dropped)
    {
        switch (example, shape)
        {
            case (JsonObject e, JsonObject s):
                var result = new JsonObject();
                foreach (var (key, value) in e)
                {
                    if (s[key] is { } part) result[key] = Restrict(value!, part, $"{path}.{key}", dropped);
                    else dropped.Add($"{path}.{key}");
                }
                return result;
            case (JsonArray e, JsonArray s) when e.Count == s.Count:
                return new JsonArray(e.Select((item, i) => Restrict(item!, s[i]!, $"{path}[{i}]", dropped)).ToArray());
            default:
                return example.DeepClone();
        }
    }
}
