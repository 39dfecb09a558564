using Azure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Reminders.Dispatch;
using Reminders.Email;
using Reminders.Storage;

namespace Reminders.Health;

/// <summary>
/// Whether this instance can do its work now: table storage and the dispatch queue answer (one cheap call each, with
/// a short timeout, side by side), and an email provider is configured. Each failure is named, without a secret or
/// an exception message (those can carry account names, URLs or keys).
/// </summary>
public sealed class ReadinessCheck(ReminderTables tables, DispatchQueue queue, IServiceProvider services)
{
    /// <summary>Well under a platform probe's own timeout (App Service: 2 minutes per ping; a load balancer's few seconds).</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    /// <summary>What is not ready, by name; empty when ready.</summary>
    public async Task<IReadOnlyList<string>> NotReadyAsync(CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Timeout);
        var checks = await Task.WhenAll(TablesAsync(timeout.Token), QueueAsync(timeout.Token), Task.FromResult(Email()));
        return checks.OfType<string>().ToList();
    }

    private async Task<string?> TablesAsync(CancellationToken ct)
    {
        try
        {
            await tables.EnsureCreatedAsync(ct);
            await foreach (var _ in tables.Clinics.QueryAsync<Azure.Data.Tables.TableEntity>(maxPerPage: 1, select: ["RowKey"], cancellationToken: ct).AsPages())
                break;
            return null;
        }
        catch (Exception e) when (IsUnreachable(e))
        {
            return "Table storage did not answer.";
        }
    }

    private async Task<string?> QueueAsync(CancellationToken ct)
    {
        try
        {
            await queue.Queue.GetPropertiesAsync(ct);
            return null;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null; // the account answered; the queue is created by the first plan
        }
        catch (Exception e) when (IsUnreachable(e))
        {
            return "The dispatch queue did not answer.";
        }
    }

    private string? Email()
    {
        try
        {
            // Validated at start-up already; resolving it again costs nothing and catches a folder that went away.
            var sender = services.GetRequiredService<IEmailSender>();
            if (sender is OutboxEmailSender outbox) Directory.CreateDirectory(outbox.Folder);
            return null;
        }
        catch (OptionsValidationException)
        {
            return "The email provider is not configured (see Email:Provider and its settings in the start-up log).";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "The outbox folder (Email:OutboxPath) cannot be written.";
        }
    }

    private static bool IsUnreachable(Exception e) =>
        e is RequestFailedException or OperationCanceledException or HttpRequestException or AggregateException or TimeoutException;
}
