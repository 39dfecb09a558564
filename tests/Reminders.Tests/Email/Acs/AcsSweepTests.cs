using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Reminders.Clinics;
using Reminders.Configuration;
using Reminders.Email;
using Reminders.Email.Acs;
using Reminders.Patients;
using Reminders.Plan;
using Reminders.Sessions;
using Reminders.Storage;
using Reminders.Sweep;
using Reminders.Tests.Infrastructure;
using Reminders.Tests.Sweep;

namespace Reminders.Tests.Email.Acs;

/// <summary>
/// The whole path on Azurite: the sweep sends through <see cref="AcsEmailSender"/> to the fake ACS, tracks the accepted
/// operation, and a later sweep settles it from ACS's final status, without ever sending a reminder twice.
/// </summary>
public sealed class AcsSweepTests(Azurite azurite)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Accepted_reminders_are_sent_once_then_settled_from_acs_and_a_failed_one_becomes_failed_with_the_services_error()
    {
        await using var bed = await Bed.StartAsync(azurite);
        var failing = await bed.RegisterDueAsync("p1");
        var delivered = await bed.RegisterDueAsync("p2");

        // First sweep: both go to ACS and are Sent, with no final status yet and a row to settle later.
        var first = await bed.Sweep.RunAsync(Ct);

        Assert.Equal((2, 0, 0), (first.Sent, first.Failed, first.Deferred));
        foreach (var reminder in new[] { failing, delivered })
        {
            Assert.Equal(1, bed.Acs.PostsFor(reminder.ReminderId));
            var session = await bed.SessionAsync(reminder.PatientId);
            Assert.Equal(ReminderStatus.Sent, session.Status);
            Assert.Null(session.ProviderStatus);
            Assert.Equal(reminder.ReminderId.ToString(), session.MessageId);
        }
        Assert.Equal(2, (await bed.UnsettledAsync()).Count);
        Assert.Equal(0, bed.Acs.SignatureFailures);

        // ACS settles them: one dropped, one delivered.
        bed.Acs.SetStatus(failing.ReminderId, "Failed");
        bed.Acs.SetStatus(delivered.ReminderId, "Succeeded");
        bed.Time.Advance(TimeSpan.FromMinutes(10));

        var second = await bed.Sweep.RunAsync(Ct);

        Assert.Equal((0, 1), (second.Sent, second.Failed));
        var failed = await bed.SessionAsync("p1");
        Assert.Equal((ReminderStatus.Failed, "EmailDropped", "Failed"), (failed.Status, failed.Reason, failed.ProviderStatus));
        Assert.Contains("Email was dropped after several attempts to deliver.", failed.Detail);
        var succeeded = await bed.SessionAsync("p2");
        Assert.Equal((ReminderStatus.Sent, "Succeeded"), (succeeded.Status, succeeded.ProviderStatus));
        Assert.Empty(await bed.UnsettledAsync());

        // Nothing left to do: no send, no status request, and never a second email.
        var requests = bed.Acs.Requests.Count;
        var third = await bed.Sweep.RunAsync(Ct);
        Assert.Equal((0, 0, 0), (third.Sent, third.Failed, third.Deferred));
        Assert.Equal(requests, bed.Acs.Requests.Count);
        Assert.Equal((1, 1), (bed.Acs.AcceptedFor(failing.ReminderId), bed.Acs.AcceptedFor(delivered.ReminderId)));
        Assert.Equal(2, bed.Acs.Posts.Count);
    }

    [Fact]
    public async Task A_run_that_dies_after_acs_accepted_the_email_does_not_cause_a_second_email_when_the_claim_expires()
    {
        var crashes = 1;
        await using var bed = await Bed.StartAsync(azurite, inner => new CrashAfterSending(inner, () => crashes-- > 0));
        var reminder = await bed.RegisterDueAsync("p1");

        Assert.Equal(1, (await bed.Sweep.RunAsync(Ct)).Errors);
        Assert.Equal(1, bed.Acs.AcceptedFor(reminder.ReminderId));
        Assert.Equal(ReminderStatus.Pending, (await bed.SessionAsync("p1")).Status);

        // The claim runs out; the next run tries again as attempt 2, asks ACS first, and records it as sent.
        bed.Time.Advance(TimeSpan.FromMinutes(11));
        var next = await bed.Sweep.RunAsync(Ct);

        Assert.Equal(1, next.Sent);
        var session = await bed.SessionAsync("p1");
        Assert.Equal((ReminderStatus.Sent, reminder.ReminderId.ToString()), (session.Status, session.MessageId));
        // The attempt that died was asked about, not counted against the cap: ACS could tell it had taken the message.
        var entry = (await bed.LedgerAsync(reminder.ReminderId))!;
        Assert.Equal((1, 1), (entry.Attempts, entry.UnclearAttempts));
        Assert.Equal(1, bed.Acs.PostsFor(reminder.ReminderId));
        Assert.Equal(1, bed.Acs.GetsFor(reminder.ReminderId));
        Assert.Single(await bed.UnsettledAsync());
    }

    /// <summary>Passes sends to ACS, then "dies" before the sweep can record the outcome; still the status checker.</summary>
    private sealed class CrashAfterSending(AcsEmailSender inner, Func<bool> crash) : IEmailSender, IDeliveryStatusChecker
    {
        public SenderTraits Traits => inner.Traits;

        public async Task<EmailSendResult> SendAsync(EmailMessage message, CancellationToken ct)
        {
            var result = await inner.SendAsync(message, ct);
            return crash() ? throw new SimulatedCrash() : result;
        }

        public Task<DeliveryStatus> CheckAsync(string providerMessageId, CancellationToken ct) => inner.CheckAsync(providerMessageId, ct);
    }

    /// <summary>The core services (AddReminders) on Azurite with the ACS sender pointed at a fake ACS, on a fake clock.</summary>
    private sealed class Bed : IAsyncDisposable
    {
        private readonly ServiceProvider _provider;

        private Bed(FakeAcsServer acs, FakeTimeProvider time, Clinic clinic, ServiceProvider provider)
        {
            Acs = acs;
            Time = time;
            Clinic = clinic;
            _provider = provider;
        }

        public FakeAcsServer Acs { get; }
        public FakeTimeProvider Time { get; }
        public Clinic Clinic { get; }
        public ReminderSweep Sweep => _provider.GetRequiredService<ReminderSweep>();

        public static async Task<Bed> StartAsync(Azurite azurite, Func<AcsEmailSender, IEmailSender>? wrap = null)
        {
            var acs = await FakeAcsServer.StartAsync();
            var time = TestClock.New();
            var settings = new TestSettings(azurite.ConnectionString);
            Directory.Delete(settings.OutboxPath, recursive: true); // nothing goes to the outbox here
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings.ToConfiguration()).Build();

            var services = new ServiceCollection();
            services.AddLogging();
            services.AddSingleton<TimeProvider>(time);
            // Before AddReminders, which adds its own sender only if none is registered.
            services.AddSingleton<IEmailSender>(sp =>
            {
                var sender = new AcsEmailSender(
                    Options.Create(new AcsEmailOptions { ConnectionString = acs.ConnectionString, RetryDelay = TimeSpan.FromMilliseconds(10) }),
                    sp.GetRequiredService<IOptions<EmailOptions>>(), time, sp.GetRequiredService<ILogger<AcsEmailSender>>());
                return wrap?.Invoke(sender) ?? sender;
            });
            services.AddReminders(configuration);
            var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

            var clinic = SweepTestBed.NewClinic("c1");
            await provider.GetRequiredService<ClinicDirectory>().SaveAsync(clinic, Ct);
            return new Bed(acs, time, clinic, provider);
        }

        /// <summary>A session whose reminder (at the clinic's defaults) falls due today.</summary>
        public async Task<SessionView> RegisterDueAsync(string patientId)
        {
            var injection = Clinic.Today(Time).AddDays(-(Clinic.ReliefDays - Clinic.RemindDaysBefore));
            var input = new ValidSession(patientId, $"{patientId}@example.com", "Ana", injection, "s1", Clinic.ReliefDays);
            return (await _provider.GetRequiredService<SessionRegistration>().RegisterAsync(Clinic, input, Ct)).Session;
        }

        public async Task<SessionEntity> SessionAsync(string patientId) =>
            (await _provider.GetRequiredService<PatientRecords>().LoadAsync(Clinic.Id, patientId, Ct)).Session("s1")!;

        public async Task<List<UnsettledMarker>> UnsettledAsync()
        {
            var rows = new List<UnsettledMarker>();
            await foreach (var row in _provider.GetRequiredService<PatientRecords>().RowsWithPrefixAsync<UnsettledMarker>(Clinic.Id, UnsettledMarker.Prefix, null, Ct))
                rows.Add(row);
            return rows;
        }

        public async Task<Reminders.Ledger.LedgerEntry?> LedgerAsync(Guid reminderId) =>
            await _provider.GetRequiredService<Reminders.Ledger.SendLedger>().FindAsync(reminderId, Ct);

        public async ValueTask DisposeAsync()
        {
            await _provider.DisposeAsync();
            await Acs.DisposeAsync();
        }
    }
}
