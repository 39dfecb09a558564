using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Reminders.Clinics;
using Reminders.Configuration;
using Reminders.Email;
using Reminders.Patients;
using Reminders.Plan;
using Reminders.Sessions;
using Reminders.Storage;
using Reminders.Sweep;
using Reminders.Tests.Infrastructure;

namespace Reminders.Tests.Sweep;

/// <summary>One call to the email sender, as a fake sees it. <see cref="SendForReal"/> hands it to the real outbox sender.</summary>
public sealed record SendCall(EmailMessage Message, int Number, int NumberForThisReminder, Func<Task<EmailSendResult>> SendForReal);

/// <summary>What a fake sender does with one call: pass it on, return a scripted outcome, throw, advance the clock...</summary>
public delegate Task<EmailSendResult> SendBehaviour(SendCall call);

/// <summary>Every call any sender of a test bed (and its twins) received, counted per reminder id.</summary>
public sealed class SendLog
{
    private readonly ConcurrentDictionary<Guid, int> _calls = new();
    private readonly ConcurrentQueue<EmailMessage> _messages = new();
    private int _total;

    public int Total => Volatile.Read(ref _total);
    public IReadOnlyDictionary<Guid, int> CallsPerReminder => _calls;
    public IReadOnlyList<EmailMessage> Messages => _messages.ToArray();
    public int CallsFor(Guid reminderId) => _calls.GetValueOrDefault(reminderId);

    internal (int Number, int ForReminder) Record(EmailMessage message)
    {
        _messages.Enqueue(message);
        var forReminder = _calls.AddOrUpdate(message.ReminderId, 1, (_, n) => n + 1);
        return (Interlocked.Increment(ref _total), forReminder);
    }
}

/// <summary>Counts every call, then does what the test scripted (by default: the real outbox sender).</summary>
public sealed class RecordingEmailSender(IEmailSender real, SendLog log, SendBehaviour? behaviour, SenderTraits? traits = null) : IEmailSender
{
    public SenderTraits Traits => traits ?? real.Traits;

    public Task<EmailSendResult> SendAsync(EmailMessage message, CancellationToken ct)
    {
        var (number, forReminder) = log.Record(message);
        Task<EmailSendResult> SendForReal() => real.SendAsync(message, ct);
        return behaviour is null ? SendForReal() : behaviour(new SendCall(message, number, forReminder, SendForReal));
    }
}

/// <summary>A recording sender that also answers status checks (like ACS), so the sweep settles what it accepted.</summary>
public sealed class StatusCheckingEmailSender(IEmailSender inner, Func<string, DeliveryStatus> status) : IEmailSender, IDeliveryStatusChecker
{
    public SenderTraits Traits => inner.Traits;
    public Task<EmailSendResult> SendAsync(EmailMessage message, CancellationToken ct) => inner.SendAsync(message, ct);
    public Task<DeliveryStatus> CheckAsync(string providerMessageId, CancellationToken ct) => Task.FromResult(status(providerMessageId));
}

/// <summary>Thrown by a fake sender to stand for a process that dies after it claimed a reminder.</summary>
public sealed class SimulatedCrash() : Exception("Simulated crash after the claim.");

/// <summary>
/// The core services (<see cref="RemindersServiceCollectionExtensions.AddReminders"/>) on real Azurite, with a
/// <see cref="FakeTimeProvider"/> and a recording email sender. Each bed has its own tables and outbox;
/// <see cref="Twin"/> makes a second, independent service provider over the same tables, clock, outbox and send log.
/// </summary>
public sealed class SweepTestBed : IAsyncDisposable
{
    public const string DefaultTimeZone = "Europe/Madrid";

    private readonly ServiceProvider _services;
    private readonly bool _ownsOutbox;

    private SweepTestBed(TestSettings settings, FakeTimeProvider time, SendLog log, IReadOnlyDictionary<string, string?>? overrides,
        SendBehaviour? send, bool substituteSender, bool ownsOutbox, StorageGate? gate = null, SenderTraits? traits = null,
        Func<string, DeliveryStatus>? status = null, Action<IServiceCollection, IConfiguration>? configure = null)
    {
        Gate = gate;
        Settings = settings;
        Time = time;
        Sends = log;
        _ownsOutbox = ownsOutbox;

        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.ToConfiguration())
            .AddInMemoryCollection(overrides ?? new Dictionary<string, string?>())
            .Build();
        OutboxPath = configuration["Email:OutboxPath"]!;

        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(time);
        if (gate is not null)
        {
            var clientOptions = new Azure.Data.Tables.TableClientOptions();
            clientOptions.AddPolicy(gate, Azure.Core.HttpPipelinePosition.PerCall);
            services.AddSingleton(new Azure.Data.Tables.TableServiceClient(settings.ConnectionString, clientOptions));
        }
        // Before AddReminders, which only adds its own sender if none is registered.
        if (substituteSender)
            services.AddSingleton<IEmailSender>(sp =>
            {
                var recording = new RecordingEmailSender(new OutboxEmailSender(sp.GetRequiredService<IOptions<EmailOptions>>(), time), log, send, traits);
                return status is null ? recording : new StatusCheckingEmailSender(recording, status);
            });
        services.AddReminders(configuration);
        configure?.Invoke(services, configuration);
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    /// <param name="settings">Overrides of <see cref="TestSettings.ToConfiguration"/>, e.g. <c>Reminders:ClaimLease</c>.</param>
    /// <param name="send">What the sender does; null: the real outbox sender (calls still counted).</param>
    /// <param name="substituteSender">False: no fake at all, the sender <c>AddReminders</c> registers (nothing is counted).</param>
    /// <param name="gate">Holds or fails chosen storage requests of this bed (not of its twins), to drive races.</param>
    /// <param name="traits">What the fake sender says of itself (provider name, quota, whether it can confirm an unclear attempt).</param>
    /// <param name="configure">More services after the core ones (telemetry with in-memory exporters).</param>
    public static SweepTestBed Create(Azurite azurite, FakeTimeProvider? time = null, IReadOnlyDictionary<string, string?>? settings = null,
        SendBehaviour? send = null, bool substituteSender = true, StorageGate? gate = null, SenderTraits? traits = null,
        Func<string, DeliveryStatus>? status = null, Action<IServiceCollection, IConfiguration>? configure = null) =>
        new(new TestSettings(azurite.ConnectionString), time ?? TestClock.New(), new SendLog(), settings, send, substituteSender, ownsOutbox: true, gate, traits, status,
            configure);

    /// <summary>Another service provider (its own sweep, processor, table clients) over the same tables, clock, outbox and send log.</summary>
    public SweepTestBed Twin(IReadOnlyDictionary<string, string?>? settings = null, SendBehaviour? send = null) =>
        new(Settings, Time, Sends, settings, send, substituteSender: true, ownsOutbox: false);

    public TestSettings Settings { get; }
    public StorageGate? Gate { get; }
    public FakeTimeProvider Time { get; }
    public SendLog Sends { get; }
    public string OutboxPath { get; }

    public ClinicDirectory Clinics => _services.GetRequiredService<ClinicDirectory>();
    public SessionRegistration Registration => _services.GetRequiredService<SessionRegistration>();
    public PatientAdministration Patients => _services.GetRequiredService<PatientAdministration>();
    public PatientRecords Records => _services.GetRequiredService<PatientRecords>();
    public DueIndex DueIndex => _services.GetRequiredService<DueIndex>();
    public Reminders.Ledger.SendLedger Ledger => _services.GetRequiredService<Reminders.Ledger.SendLedger>();
    public ReminderTables Tables => _services.GetRequiredService<ReminderTables>();
    public ReminderSweep Sweep => _services.GetRequiredService<ReminderSweep>();
    public IServiceProvider Services => _services;
    public IEmailSender Sender => _services.GetRequiredService<IEmailSender>();

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    // ---- clinics and sessions ----

    public static Clinic NewClinic(string id, string timeZone = DefaultTimeZone, SendWindow? window = null, bool paused = false,
        int reliefDays = Clinic.DefaultReliefDays, int remindDaysBefore = Clinic.DefaultRemindDaysBefore) =>
        new(id, "Clinic " + id, TimeZoneInfo.FindSystemTimeZoneById(timeZone), new Uri($"https://{id}.example.com/book"),
            $"desk@{id}.example.com", reliefDays, remindDaysBefore, window ?? SendWindow.Default, paused);

    public async Task<Clinic> AddClinicAsync(string id, string timeZone = DefaultTimeZone, SendWindow? window = null, bool paused = false,
        int reliefDays = Clinic.DefaultReliefDays, int remindDaysBefore = Clinic.DefaultRemindDaysBefore)
    {
        var clinic = NewClinic(id, timeZone, window, paused, reliefDays, remindDaysBefore);
        await Clinics.SaveAsync(clinic, Ct);
        return clinic;
    }

    public DateOnly Today(Clinic clinic) => clinic.Today(Time);

    /// <summary>The injection date whose reminder (at the clinic's defaults) falls <paramref name="days"/> days before the clinic's today; negative: in the future.</summary>
    public DateOnly InjectionWithReminderDaysAgo(Clinic clinic, int days) =>
        Today(clinic).AddDays(-days - (clinic.ReliefDays - clinic.RemindDaysBefore));

    /// <summary>The injection date whose relief (at the clinic's default) ended <paramref name="days"/> days before the clinic's today.</summary>
    public DateOnly InjectionWithReliefEndedDaysAgo(Clinic clinic, int days) => Today(clinic).AddDays(-days - clinic.ReliefDays);

    /// <summary>Registers a session the way the API does after validation; the session id defaults to the injection date.</summary>
    public async Task<SessionView> RegisterAsync(Clinic clinic, string patientId, DateOnly injectionDate, string? sessionId = null,
        string? email = null, int? reliefDays = null, string? firstName = null)
    {
        var input = new ValidSession(patientId, email ?? $"{patientId}@example.com", firstName, injectionDate,
            sessionId ?? injectionDate.ToString("yyyy-MM-dd"), reliefDays ?? clinic.ReliefDays);
        return (await Registration.RegisterAsync(clinic, input, Ct)).Session;
    }

    public async Task<SessionView> SessionAsync(string clinicId, string patientId, string? sessionId = null)
    {
        var patient = await Patients.FindAsync(clinicId, patientId, Ct);
        Assert.NotNull(patient);
        return sessionId is null ? Assert.Single(patient.Sessions) : patient.Sessions.Single(s => s.SessionId == sessionId);
    }

    public Task<SweepResult> SweepAsync() => Sweep.RunAsync(Ct);

    // ---- what is stored and sent ----

    public async Task<List<DueEntity>> DueRowsAsync()
    {
        await Tables.EnsureCreatedAsync(Ct);
        var rows = new List<DueEntity>();
        await foreach (var row in Tables.Due.QueryAsync<DueEntity>(cancellationToken: Ct))
            rows.Add(row);
        return rows;
    }

    public string[] OutboxFiles() => Outbox.Files(OutboxPath);

    public string OutboxFileFor(Guid reminderId) => Path.Combine(OutboxPath, $"{reminderId}.eml");

    // ---- time ----

    /// <summary>A clock at this local wall-clock time in <paramref name="timeZone"/>.</summary>
    public static FakeTimeProvider ClockAtLocal(DateTime local, string timeZone = DefaultTimeZone) =>
        TestClock.New(UtcFor(local, timeZone));

    /// <summary>Moves the clock forward to this local wall-clock time in <paramref name="timeZone"/>.</summary>
    public void AdvanceToLocal(DateTime local, string timeZone = DefaultTimeZone) => Time.SetUtcNow(UtcFor(local, timeZone));

    private static DateTimeOffset UtcFor(DateTime local, string timeZone) =>
        new(TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), TimeZoneInfo.FindSystemTimeZoneById(timeZone)), TimeSpan.Zero);

    // ---- assertions ----

    public static void AssertCounts(SweepResult result, int sent = 0, int skipped = 0, int expired = 0, int failed = 0, int deferred = 0) =>
        Assert.Equal((sent, skipped, expired, failed, deferred), (result.Sent, result.Skipped, result.Expired, result.Failed, result.Deferred));

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        if (_ownsOutbox && Directory.Exists(Settings.OutboxPath))
        {
            try { Directory.Delete(Settings.OutboxPath, recursive: true); }
            catch (IOException) { }
        }
    }
}
