using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Reminders.Configuration;

namespace Reminders.Storage;

/// <summary>The service's tables, created on first use.</summary>
public sealed class ReminderTables(TableServiceClient service, IOptions<RemindersOptions> options)
{
    private readonly string _prefix = options.Value.TablePrefix;
    private readonly SemaphoreSlim _createLock = new(1, 1);
    private volatile bool _created;

    public TableServiceClient Service => service;

    /// <summary>One row per clinic, all in one partition: clinics are few and the sweep reads them all.</summary>
    public TableClient Clinics => service.GetTableClient(_prefix + "Clinics");

    /// <summary>SHA-256 of each clinic API key to the clinic id; the key itself is never stored.</summary>
    public TableClient ApiKeys => service.GetTableClient(_prefix + "ApiKeys");

    /// <summary>Patients and their sessions (each session carries its reminder), partitioned by clinic.</summary>
    public TableClient Patients => service.GetTableClient(_prefix + "Patients");

    /// <summary>Pending reminders only, partitioned by reminder date, so a sweep reads what is due and nothing else.</summary>
    public TableClient Due => service.GetTableClient(_prefix + "Due");

    /// <summary>Sent reminders whose provider settles them later (ACS operations), until their final status is known.</summary>
    public TableClient Unsettled => service.GetTableClient(_prefix + "Unsettled");

    /// <summary>Patients' opt-outs, per clinic and hashed address.</summary>
    public TableClient OptOuts => service.GetTableClient(_prefix + "OptOuts");

    public async ValueTask EnsureCreatedAsync(CancellationToken ct)
    {
        if (_created) return;
        await _createLock.WaitAsync(ct);
        try
        {
            if (_created) return;
            foreach (var table in new[] { Clinics, ApiKeys, Patients, Due, Unsettled, OptOuts })
                await table.CreateIfNotExistsAsync(ct);
            _created = true;
        }
        finally
        {
            _createLock.Release();
        }
    }
}
