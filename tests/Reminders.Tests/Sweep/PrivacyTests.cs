using System.Security.Cryptography;
using System.Text;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Reminders.Email;
using Reminders.Patients;
using Reminders.Security;
using Reminders.Unsubscribe;
using Reminders.Tests.Infrastructure;
using static Reminders.Tests.Sweep.SweepTestBed;

namespace Reminders.Tests.Sweep;

/// <summary>What links and stored rows may reveal about a patient, and what erasure leaves behind.</summary>
public sealed class PrivacyTests(Azurite azurite)
{
    private static string TokenOf(EmailMessage email) => email.Headers["List-Unsubscribe"].Trim('<', '>').Split("token=")[1];

    [Fact]
    public async Task The_unsubscribe_token_shows_no_patient_id_and_cannot_be_altered()
    {
        await using var bed = Create(azurite);
        var clinic = await bed.AddClinicAsync("c1");
        await bed.RegisterAsync(clinic, "patient-777", bed.InjectionWithReminderDaysAgo(clinic, 0));
        AssertCounts(await bed.SweepAsync(), sent: 1);
        var token = TokenOf(Assert.Single(bed.Sends.Messages));

        // Reproduced on the previous design: the token decoded to "c1\npatient-777\n<sha256>".
        var bytes = Base64Url.TryDecode(token)!;
        Assert.DoesNotContain("patient-777", Encoding.UTF8.GetString(bytes));
        Assert.DoesNotContain("patient-777", token);
        var tokens = bed.Services.GetRequiredService<UnsubscribeTokens>();
        Assert.Equal(("c1", "patient-777"), (tokens.Read(token)!.ClinicId, tokens.Read(token)!.PatientId));
        var altered = token[..10] + (token[10] == 'A' ? 'B' : 'A') + token[11..];
        Assert.Null(tokens.Read(altered));
    }

    [Fact]
    public async Task Opt_outs_are_stored_under_a_keyed_hash_nobody_can_recompute_from_a_guessed_address()
    {
        await using var bed = Create(azurite);
        var clinic = await bed.AddClinicAsync("c1");
        await bed.RegisterAsync(clinic, "p1", bed.InjectionWithReminderDaysAgo(clinic, 0), email: "ana@example.com");
        AssertCounts(await bed.SweepAsync(), sent: 1);
        var pages = bed.Services.GetRequiredService<UnsubscribePages>();
        Assert.NotNull(await pages.HandleAsync(TokenOf(bed.Sends.Messages[0]), UnsubscribePages.Action.Unsubscribe, Ct));

        var row = Assert.Single(await RowsAsync<OptOutEntity>(bed.Tables.OptOuts));
        var guessed = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("c1\nana@example.com")));
        Assert.NotEqual(guessed, row.RowKey);
        Assert.DoesNotContain(guessed, row.RowKey);
        Assert.StartsWith(AddressHashes.KeyedPrefix, row.RowKey);
        var otherKey = new AddressHashes(Microsoft.Extensions.Options.Options.Create(new PatientLinkOptions { AddressHashKey = new string('z', 32) }));
        Assert.NotEqual(otherKey.Keyed("c1", "ana@example.com"), row.RowKey);
        Assert.True((await bed.Patients.FindAsync("c1", "p1", Ct))!.OptedOut);
    }

    [Fact]
    public async Task A_link_from_before_sealed_tokens_still_opts_out_and_is_stored_keyed()
    {
        await using var bed = Create(azurite);
        var clinic = await bed.AddClinicAsync("c1");
        await bed.RegisterAsync(clinic, "p1", bed.InjectionWithReminderDaysAgo(clinic, 0), email: "Ana@Example.com");
        // The readable, HMAC-signed link emails carried before.
        var payload = $"c1\np1\n{AddressHashes.Legacy("c1", "ana@example.com")}";
        var signature = HMACSHA256.HashData(Encoding.UTF8.GetBytes(bed.Settings.ToConfiguration()["Reminders:LinkSigningKey"]!), Encoding.UTF8.GetBytes("unsubscribe/v1\n" + payload));
        var legacy = Base64Url.Encode(Encoding.UTF8.GetBytes(payload)) + "." + Base64Url.Encode(signature);

        Assert.NotNull(await bed.Services.GetRequiredService<UnsubscribePages>().HandleAsync(legacy, UnsubscribePages.Action.Unsubscribe, Ct));

        Assert.StartsWith(AddressHashes.KeyedPrefix, Assert.Single(await RowsAsync<OptOutEntity>(bed.Tables.OptOuts)).RowKey);
        AssertCounts(await bed.SweepAsync(), skipped: 1);
    }

    [Fact]
    public async Task Erasure_removes_the_patient_id_from_opt_outs_and_their_unsettled_deliveries_but_keeps_the_choice_and_the_ledger()
    {
        await using var bed = Create(azurite, send: async call => await call.SendForReal() with { AwaitsFinalStatus = true },
            status: _ => new DeliveryStatus(DeliveryState.Running));
        var clinic = await bed.AddClinicAsync("c1");
        var session = await bed.RegisterAsync(clinic, "p1", bed.InjectionWithReminderDaysAgo(clinic, 0), email: "ana@example.com");
        AssertCounts(await bed.SweepAsync(), sent: 1);
        Assert.Single(await RowsAsync<UnsettledMarker>(bed.Tables.Patients, UnsettledMarker.Prefix));
        await bed.Services.GetRequiredService<UnsubscribePages>().HandleAsync(TokenOf(bed.Sends.Messages[0]), UnsubscribePages.Action.Unsubscribe, Ct);
        Assert.Equal("p1", Assert.Single(await RowsAsync<OptOutEntity>(bed.Tables.OptOuts)).PatientId);

        Assert.True(await bed.Patients.EraseAsync("c1", "p1", Ct));

        var optOut = Assert.Single(await RowsAsync<OptOutEntity>(bed.Tables.OptOuts));
        Assert.Equal(("", true), (optOut.PatientId, optOut.OptedOut));
        Assert.Empty(await RowsAsync<TableEntity>(bed.Tables.Patients)); // patient, sessions, markers: nothing left
        Assert.NotNull(await bed.Ledger.FindAsync(session.ReminderId, Ct)); // ids and outcomes only: the proof that stops a re-send
        // The same address under a new id stays opted out.
        await bed.RegisterAsync(clinic, "p2", bed.InjectionWithReminderDaysAgo(clinic, 0), email: "ANA@example.com");
        AssertCounts(await bed.SweepAsync(), skipped: 1);
    }

    [Fact]
    public async Task The_ledger_holds_no_address_name_or_patient_id()
    {
        await using var bed = Create(azurite, send: _ => Task.FromResult(new EmailSendResult(EmailSendOutcome.Rejected, ErrorCode: "RecipientRejected",
            Error: "550 5.1.1 <ana.secret@example.com>: mailbox unavailable")));
        var clinic = await bed.AddClinicAsync("c1");
        await bed.RegisterAsync(clinic, "patient-secret", bed.InjectionWithReminderDaysAgo(clinic, 0), email: "ana.secret@example.com", firstName: "Anastasia");
        AssertCounts(await bed.SweepAsync(), failed: 1);

        var row = Assert.Single(await RowsAsync<TableEntity>(bed.Tables.Ledger));
        var text = string.Join("|", row.Select(kv => $"{kv.Key}={kv.Value}"));
        foreach (var secret in new[] { "ana.secret", "patient-secret", "Anastasia" })
            Assert.DoesNotContain(secret, text);
        Assert.Equal("RecipientRejected", row.GetString("ErrorCode"));
    }

    private static async Task<List<T>> RowsAsync<T>(TableClient table, string? rowPrefix = null) where T : class, ITableEntity, new()
    {
        var rows = new List<T>();
        await foreach (var row in table.QueryAsync<T>(cancellationToken: Ct))
            if (rowPrefix is null || row.RowKey.StartsWith(rowPrefix, StringComparison.Ordinal)) rows.Add(row);
        return rows;
    }
}
