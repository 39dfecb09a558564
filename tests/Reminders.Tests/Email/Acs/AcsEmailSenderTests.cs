using System.Diagnostics;
using System.Net;
using Azure.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Reminders.Email;
using Reminders.Email.Acs;

namespace Reminders.Tests.Email.Acs;

/// <summary>
/// The ACS sender against a fake ACS on loopback that checks every signature itself and counts sends per operation id.
/// Retry delays are tiny; the one retry-after of 1 s is the only real wait.
/// </summary>
public sealed class AcsEmailSenderTests : IAsyncLifetime
{
    private FakeAcsServer _acs = null!;

    public async ValueTask InitializeAsync() => _acs = await FakeAcsServer.StartAsync();

    public async ValueTask DisposeAsync() => await _acs.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private AcsEmailSender Sender(Action<AcsEmailOptions>? configure = null, TimeProvider? time = null, ListLogger<AcsEmailSender>? logger = null)
    {
        var options = new AcsEmailOptions
        {
            ConnectionString = _acs.ConnectionString,
            MaxRetries = 3,
            RetryDelay = TimeSpan.FromMilliseconds(10),
            MaxRetryDelay = TimeSpan.FromSeconds(2),
            RequestTimeout = TimeSpan.FromSeconds(10),
        };
        configure?.Invoke(options);
        return new AcsEmailSender(Options.Create(options), Options.Create(new EmailOptions { SenderAddress = "reminders@clinic.test" }),
            time ?? TimeProvider.System, logger ?? new ListLogger<AcsEmailSender>());
    }

    private static EmailMessage Reminder(Guid? id = null, int attempt = 1) => AcsTestEmails.Reminder(id, attempt);

    [Fact]
    public async Task A_send_is_signed_posted_once_under_the_reminder_id_and_accepted_pending_its_final_status()
    {
        var email = Reminder();

        var result = await Sender().SendAsync(email, Ct);

        Assert.Equal(EmailSendOutcome.Accepted, result.Outcome);
        Assert.Equal(email.ReminderId.ToString(), result.ProviderMessageId);
        Assert.True(result.AwaitsFinalStatus);
        var post = Assert.Single(_acs.Requests);
        Assert.True(post.SignatureValid);
        Assert.Equal("POST", post.Method);
        Assert.Equal("/emails:send?api-version=2025-09-01", post.Target);
        Assert.Equal(email.ReminderId.ToString(), post.OperationId);
        Assert.Equal("ana@example.com", (string)post.Json!["recipients"]!["to"]![0]!["address"]!);
        Assert.Equal("Ana María", (string)post.Json!["recipients"]!["to"]![0]!["displayName"]!);
        Assert.Equal(email.ReminderId.ToString(), (string)post.Json!["headers"]!["X-Reminder-Id"]!);
        Assert.True((bool)post.Json!["userEngagementTrackingDisabled"]!);
        Assert.Equal(1, _acs.AcceptedFor(email.ReminderId));
    }

    [Fact]
    public async Task A_429_with_retry_after_is_waited_out_resigned_and_then_accepted_with_a_single_email()
    {
        _acs.OnPost = (_, number) => number == 1 ? new AcsFault(429, "TooManyRequests", "Rate limit exceeded.", RetryAfter: "1") : null;
        var email = Reminder();
        var clock = Stopwatch.StartNew();

        var result = await Sender().SendAsync(email, Ct);

        Assert.Equal(EmailSendOutcome.Accepted, result.Outcome);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.95), $"retry-after: 1 was not honoured ({clock.Elapsed})");
        Assert.Equal(2, _acs.PostsFor(email.ReminderId));
        Assert.Equal(1, _acs.AcceptedFor(email.ReminderId));
        Assert.Equal(0, _acs.SignatureFailures);
        // Each try was signed afresh: a second later, another x-ms-date.
        Assert.NotEqual(_acs.Posts[0].Date, _acs.Posts[1].Date);
        Assert.Equal(_acs.Posts[0].Body, _acs.Posts[1].Body);
    }

    [Fact]
    public async Task A_500_is_an_unknown_outcome_never_resent_blindly_and_the_next_attempt_asks_first_then_sends_exactly_once()
    {
        var down = true;
        _acs.OnPost = (_, _) => down ? new AcsFault(500, "InternalServerError", "Something went wrong.") : null;
        var email = Reminder();
        var sender = Sender();

        var result = await sender.SendAsync(email, Ct);

        // The body was sent: ACS may have taken it, so the POST is not repeated within this attempt.
        Assert.Equal((EmailSendOutcome.Unknown, "InternalServerError", "Something went wrong."), (result.Outcome, result.ErrorCode, result.Error));
        Assert.Equal(1, _acs.PostsFor(email.ReminderId));
        Assert.Equal(0, _acs.AcceptedFor(email.ReminderId));

        down = false;
        var next = await sender.SendAsync(email with { Attempt = 2, PreviousAttemptUnclear = true }, Ct);

        Assert.Equal(EmailSendOutcome.Accepted, next.Outcome);
        Assert.Equal(1, _acs.GetsFor(email.ReminderId)); // asked first: 404, never accepted
        Assert.Equal(1, _acs.AcceptedFor(email.ReminderId));
    }

    [Fact]
    public async Task A_send_that_timed_out_after_acs_accepted_it_is_not_sent_again_on_the_next_attempt()
    {
        _acs.OnPost = (_, number) => number == 1 ? new AcsFault(202, Accept: true, Delay: TimeSpan.FromSeconds(10)) : null;
        var email = Reminder();
        var sender = Sender(o => o.RequestTimeout = TimeSpan.FromMilliseconds(300));

        var first = await sender.SendAsync(email, Ct);

        Assert.Equal((EmailSendOutcome.Unknown, "Timeout"), (first.Outcome, first.ErrorCode));
        Assert.Equal(1, _acs.PostsFor(email.ReminderId)); // an unclear outcome is never retried blindly

        var second = await sender.SendAsync(email with { Attempt = 2, PreviousAttemptUnclear = true }, Ct);

        Assert.Equal(EmailSendOutcome.Accepted, second.Outcome);
        Assert.Equal(email.ReminderId.ToString(), second.ProviderMessageId);
        Assert.True(second.AwaitsFinalStatus);
        Assert.Equal(1, _acs.GetsFor(email.ReminderId));
        Assert.Equal(1, _acs.PostsFor(email.ReminderId));
        Assert.Equal(1, _acs.AcceptedFor(email.ReminderId));
    }

    [Fact]
    public async Task A_retried_reminder_whose_earlier_send_failed_at_acs_is_rejected_with_that_error_and_not_sent()
    {
        var email = Reminder(attempt: 3) with { PreviousAttemptUnclear = true };
        _acs.SetStatus(email.ReminderId, "Failed");

        var result = await Sender().SendAsync(email, Ct);

        Assert.Equal((EmailSendOutcome.Rejected, "EmailDropped", "Email was dropped after several attempts to deliver."),
            (result.Outcome, result.ErrorCode, result.Error));
        Assert.Equal(0, _acs.PostsFor(email.ReminderId));
    }

    [Fact]
    public async Task A_400_is_rejected_with_the_services_code_and_message_and_not_retried()
    {
        _acs.OnPost = (_, _) => new AcsFault(400, "InvalidSenderUserName", "The sender address is not on a verified domain.");
        var email = Reminder();

        var result = await Sender().SendAsync(email, Ct);

        Assert.Equal((EmailSendOutcome.Rejected, "InvalidSenderUserName", "The sender address is not on a verified domain."),
            (result.Outcome, result.ErrorCode, result.Error));
        Assert.Equal(1, _acs.PostsFor(email.ReminderId));
    }

    [Fact]
    public async Task Without_an_error_body_the_code_comes_from_the_x_ms_error_code_header()
    {
        _acs.OnPost = (_, _) => new AcsFault(422, "UnprocessableContent", ErrorCodeHeaderOnly: true);

        var result = await Sender().SendAsync(Reminder(), Ct);

        Assert.Equal((EmailSendOutcome.Rejected, "UnprocessableContent"), (result.Outcome, result.ErrorCode));
        Assert.False(string.IsNullOrWhiteSpace(result.Error));
    }

    [Fact]
    public async Task A_wrong_access_key_gets_401_which_is_misconfiguration_logged_as_an_error()
    {
        var logger = new ListLogger<AcsEmailSender>();
        var sender = Sender(o => o.ConnectionString = $"endpoint={_acs.Endpoint};accesskey={Convert.ToBase64String(new byte[32])}", logger: logger);

        var result = await sender.SendAsync(Reminder(), Ct);

        Assert.Equal((EmailSendOutcome.Misconfigured, "Unauthorized"), (result.Outcome, result.ErrorCode));
        Assert.Single(_acs.Posts); // not retried
        Assert.Equal(1, _acs.SignatureFailures);
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Error && e.Message.Contains("401"));
    }

    [Theory]
    [InlineData(403)]
    [InlineData(404)]
    public async Task Forbidden_or_not_found_on_send_is_misconfiguration(int status)
    {
        _acs.OnPost = (_, _) => new AcsFault(status, "Denied", "Not allowed.");

        var result = await Sender().SendAsync(Reminder(), Ct);

        Assert.Equal((EmailSendOutcome.Misconfigured, "Denied", "Not allowed."), (result.Outcome, result.ErrorCode, result.Error));
    }

    [Fact]
    public async Task A_retry_after_longer_than_the_longest_retry_delay_is_not_waited_out_and_holds_later_sends_back()
    {
        _acs.OnPost = (_, _) => new AcsFault(429, "TooManyRequests", "Hourly limit reached.", RetryAfter: "3600");
        var sender = Sender();

        var first = await sender.SendAsync(Reminder(), Ct);
        var second = await sender.SendAsync(Reminder(), Ct);

        Assert.Equal((EmailSendOutcome.Transient, "TooManyRequests"), (first.Outcome, first.ErrorCode));
        Assert.Equal((EmailSendOutcome.Transient, "SendQuotaReached"), (second.Outcome, second.ErrorCode));
        Assert.Single(_acs.Posts); // neither retried nor sent while ACS asked to wait
    }

    [Fact]
    public async Task A_send_never_waits_for_the_local_pacer_after_its_claim_and_ACS_back_off_is_honoured()
    {
        // The quota itself is shared through storage and reserved before a reminder is claimed (SendQuotaTests); the
        // sender's own pacer only keeps ACS's 429 back-off, and answers at once instead of holding a claimed reminder.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var sender = Sender(o => { o.MaxPerMinute = 2; o.MaxPerHour = 3; }, time);

        Assert.Equal(EmailSendOutcome.Accepted, (await sender.SendAsync(Reminder(), Ct)).Outcome);
        Assert.Equal(EmailSendOutcome.Accepted, (await sender.SendAsync(Reminder(), Ct)).Outcome);
        var third = sender.SendAsync(Reminder(), Ct);

        Assert.True(third.IsCompleted);
        Assert.Equal((EmailSendOutcome.Transient, "SendQuotaReached"), ((await third).Outcome, (await third).ErrorCode));
        Assert.Equal(2, _acs.Posts.Count);
        Assert.Equal(new SendLimits("acs-127.0.0.1", 2, 3), sender.Traits.Limits);
    }

    [Fact]
    public async Task Check_reports_running_succeeded_failed_with_the_error_and_unknown()
    {
        var sender = Sender();
        Guid running = Guid.NewGuid(), succeeded = Guid.NewGuid(), failed = Guid.NewGuid(), canceled = Guid.NewGuid(), unknown = Guid.NewGuid();
        _acs.SetStatus(running, "Running");
        _acs.SetStatus(succeeded, "Succeeded");
        _acs.SetStatus(failed, "Failed");
        _acs.SetStatus(canceled, "Canceled");

        Assert.Equal(new DeliveryStatus(DeliveryState.Running), await sender.CheckAsync(running.ToString(), Ct));
        Assert.Equal(new DeliveryStatus(DeliveryState.Succeeded), await sender.CheckAsync(succeeded.ToString(), Ct));
        Assert.Equal(new DeliveryStatus(DeliveryState.Failed, "EmailDropped", "Email was dropped after several attempts to deliver."),
            await sender.CheckAsync(failed.ToString(), Ct));
        Assert.Equal(DeliveryState.Failed, (await sender.CheckAsync(canceled.ToString(), Ct)).State);
        Assert.Equal(DeliveryState.Unknown, (await sender.CheckAsync(unknown.ToString(), Ct)).State);
        Assert.Equal(0, _acs.SignatureFailures);
    }

    [Theory]
    [InlineData(429)]
    [InlineData(503)]
    public async Task A_throttled_or_failing_status_check_is_unknown_at_once_without_retries(int status)
    {
        var id = Guid.NewGuid();
        _acs.SetStatus(id, "Succeeded");
        _acs.OnGet = (_, _) => new AcsFault(status, RetryAfter: "1");

        var result = await Sender().CheckAsync(id.ToString(), Ct);

        Assert.Equal(DeliveryState.Unknown, result.State);
        Assert.Single(_acs.Gets);
    }

    [Fact]
    public async Task A_status_check_that_times_out_is_unknown()
    {
        var id = Guid.NewGuid();
        _acs.SetStatus(id, "Succeeded");
        _acs.OnGet = (_, _) => new AcsFault(200, Delay: TimeSpan.FromSeconds(10));

        var result = await Sender(o => o.RequestTimeout = TimeSpan.FromMilliseconds(200)).CheckAsync(id.ToString(), Ct);

        Assert.Equal((DeliveryState.Unknown, "Timeout"), (result.State, result.ErrorCode));
    }

    [Fact]
    public async Task With_only_an_endpoint_requests_carry_an_entra_token_for_the_acs_scope_and_no_hmac_headers()
    {
        var handler = new CapturingHandler(HttpStatusCode.Accepted, """{"id":"x","status":"Running"}""");
        var credential = new StaticTokenCredential("entra-token");
        var email = Reminder();
        var sender = new AcsEmailSender(Options.Create(new AcsEmailOptions { Endpoint = "https://contoso.communication.azure.com/" }),
            Options.Create(new EmailOptions { SenderAddress = "reminders@clinic.test" }), TimeProvider.System, new ListLogger<AcsEmailSender>(),
            credential, handler.Transport());

        var result = await sender.SendAsync(email, Ct);

        Assert.Equal((EmailSendOutcome.Accepted, "x"), (result.Outcome, result.ProviderMessageId));
        var sent = Assert.Single(handler.Requests);
        Assert.Equal("https://contoso.communication.azure.com/emails:send?api-version=2025-09-01", sent.Uri.AbsoluteUri);
        Assert.Equal("Bearer entra-token", sent.Headers["Authorization"]);
        Assert.Equal(email.ReminderId.ToString(), sent.Headers["Operation-Id"]);
        Assert.False(sent.Headers.ContainsKey("x-ms-content-sha256"));
        Assert.Equal(["https://communication.azure.com//.default"], credential.Scopes);
    }

    private sealed class StaticTokenCredential(string token) : TokenCredential
    {
        public List<string> Scopes { get; } = [];

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            Scopes.AddRange(requestContext.Scopes);
            return new AccessToken(token, DateTimeOffset.UtcNow.AddHours(1));
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new(GetToken(requestContext, cancellationToken));
    }
}
