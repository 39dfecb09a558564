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

    /// <summary>One row per clinic, all in one partition: clinics are few and the sweep reads them all. Partition "meta" holds the service's own bookkeeping.</summary>
    public TableClient Clinics => service.GetTableClient(_prefix + "Clinics");

    /// <summary>
    /// Clinic API keys, never the keys themselves: per key id its SHA-256 and clinic (<see cref="Clinics.ClinicKeyEntity"/>),
    /// per clinic the list of its key ids (<see cref="Clinics.ClinicKeyListingEntity"/>), and the hash rows of keys from
    /// before key ids (<see cref="Clinics.ApiKeyEntity"/>).
    /// </summary>
    public TableClient ApiKeys => service.GetTableClient(_prefix + "ApiKeys");

    /// <summary>
    /// One partition per clinic holding each patient's aggregate: the patient row, their sessions (each with its
    /// reminder), a marker per pending reminder and a marker per delivery the provider has yet to settle. A patient's
    /// rows change together, in entity-group transactions.
    /// </summary>
    public TableClient Patients => service.GetTableClient(_prefix + "Patients");

    /// <summary>Pending reminders only, partitioned by reminder date and shard, so a sweep reads what is due and nothing else.</summary>
    public TableClient Due => service.GetTableClient(_prefix + "Due");

    /// <summary>The send ledger: one row per reminder id that was ever handed to a provider. Only the sender path writes it; nothing resets it.</summary>
    public TableClient Ledger => service.GetTableClient(_prefix + "Ledger");

    /// <summary>Patients' opt-outs, per clinic and keyed address hash.</summary>
    public TableClient OptOuts => service.GetTableClient(_prefix + "OptOuts");

    /// <summary>Email provider quota shared by every instance: sends reserved per second and minute.</summary>
    public TableClient Quota => service.GetTableClient(_prefix + "Quota");

    /// <summary>Per clinic: its webhook receiver (one row) and the events sent or being sent to it, newest first.</summary>
    public TableClient Webhooks => service.GetTableClient(_prefix + "Webhooks");

    /// <summary>Before the ledger: accepted ACS operations awaiting their final status. Read once by the migration, then emptied.</summary>
    public TableClient LegacyUnsettled => service.GetTableClient(_prefix + "Unsettled");

    public async ValueTask EnsureCreatedAsync(CancellationToken ct)
    {
        if (_created) return;
        await _createLock.WaitAsync(ct);
        try
        {
            if (_created) return;
            foreach (var table in new[] { Clinics, ApiKeys, Patients, Due, Ledger, OptOuts, Quota, Webhooks })
                await table.CreateIfNotExistsAsync(ct);
            _created = true;
        }
        finally
        {
            _createLock.Release();
        }
    }
}
