using System.ComponentModel.DataAnnotations;

namespace Reminders.Configuration;

/// <summary>Settings under <c>Reminders</c> (environment: <c>Reminders__Name</c>).</summary>
public sealed class RemindersOptions
{
    public const string Section = "Reminders";

    /// <summary>Key for admin calls (<c>X-Admin-Key</c>). Empty: every admin call gets 401.</summary>
    public string AdminKey { get; set; } = "";

    /// <summary>False: sweeps decide and record skips and expiries, but send nothing and leave sendable reminders pending.</summary>
    public bool SendingEnabled { get; set; } = true;

    /// <summary>How long one sweep may claim new reminders; well under the Functions timeout (host.json: 10 minutes).</summary>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00")]
    public TimeSpan SweepTimeBudget { get; set; } = TimeSpan.FromMinutes(4);

    /// <summary>How long a claim holds before another sweep may take the reminder over (a crashed sweep's claim).</summary>
    [Range(typeof(TimeSpan), "00:00:30", "1.00:00:00")]
    public TimeSpan ClaimLease { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Attempts to hand one reminder to the provider before it is Failed (attempts that certainly sent nothing do not count).</summary>
    [Range(1, 10)]
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Reminders settled at the same time by one sweep (storage and provider calls in flight).</summary>
    [Range(1, 64)]
    public int SendParallelism { get; set; } = 8;

    /// <summary>Partitions per day of the due index. Changing it is safe: rows remember their partition.</summary>
    [Range(1, 99)]
    public int DueShards { get; set; } = 16;

    /// <summary>How long the daily reconcile of the due index may run in one sweep; what is left continues in the next.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:30:00")]
    public TimeSpan ReconcileTimeBudget { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The Storage queue the scheduled sweep plans onto and senders read from (Functions: the queue trigger; Server: a hosted consumer).</summary>
    [RegularExpression("^[a-z0-9](?!.*--)[a-z0-9-]{1,54}[a-z0-9]$", ErrorMessage = "Reminders:DispatchQueue must be a queue name: 3-56 lowercase letters, digits and single hyphens.")]
    public string DispatchQueue { get; set; } = "reminders-dispatch";

    /// <summary>Reminders per dispatch message (each a few hundred bytes, far below the 64 KiB message limit).</summary>
    [Range(1, 100)]
    public int DispatchBatchSize { get; set; } = 50;

    /// <summary>Server host: read the dispatch queue in this instance (the Functions app uses its queue trigger instead).</summary>
    public bool ConsumeDispatchQueue { get; set; } = true;

    /// <summary>Server host: a message that failed this many times goes to the poison queue (host.json sets the same for Functions).</summary>
    [Range(1, 100)]
    public int MaxDequeueCount { get; set; } = 5;

    /// <summary>Server host: requests worked on at once. Past it a request waits at most <see cref="MaxRequestWait"/>, then gets 503.</summary>
    [Range(1, 10_000)]
    public int MaxConcurrentRequests { get; set; } = 64;

    /// <summary>Server host: the longest a request waits for its turn before it is refused with 503 and a Retry-After.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:05")]
    public TimeSpan MaxRequestWait { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// 0 (default): the daily reconcile checks every pending reminder's due row. N: only those due within N days (the
    /// others are still read, a page at a time, but not checked one by one), which at millions of pending reminders cuts
    /// the reconcile's point reads by the ratio of N to the lead time; a missing row is then recreated at the latest N
    /// days before it is due. See docs/scale.md.
    /// </summary>
    [Range(0, 400)]
    public int ReconcileHorizonDays { get; set; }

    /// <summary>
    /// The secret Event Grid carries in the delivery-report subscription's URL (<c>?secret=</c>), checked in constant
    /// time. Empty: every delivery report gets 401.
    /// </summary>
    public string EventGridSecret { get; set; } = "";

    /// <summary>Prefix of every table name; lets tests and several deployments share one account.</summary>
    [RegularExpression("^[A-Za-z][A-Za-z0-9]{0,39}$")]
    public string TablePrefix { get; set; } = "Reminders";
}
