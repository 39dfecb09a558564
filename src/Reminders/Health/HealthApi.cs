using Azure;
using Microsoft.AspNetCore.Http;
using Reminders.Http;
using Reminders.Storage;

namespace Reminders.Health;

public static class HealthApi
{
    /// <summary><c>GET /api/health</c> (anyone): 200 when a table query answers, 503 otherwise.</summary>
    public static async Task<IResult> GetHealth(ReminderTables tables, CancellationToken ct)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            await tables.EnsureCreatedAsync(timeout.Token);
            await foreach (var _ in tables.Clinics.QueryAsync<Azure.Data.Tables.TableEntity>(maxPerPage: 1, select: ["RowKey"], cancellationToken: timeout.Token).AsPages())
                break;
            return TypedResults.Ok(HealthStatus.Healthy);
        }
        catch (Exception e) when (e is RequestFailedException or OperationCanceledException or HttpRequestException or AggregateException)
        {
            return Problems.Unavailable("Table storage did not answer.");
        }
    }
}
