using System.Text.Json;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Reminders.Email.Acs;

/// <summary>
/// Sends reminders through Azure Communication Services Email over REST (api-version 2025-09-01).
/// <para>The operation id is the reminder id, so every try of one reminder is the same ACS operation. When the send
/// ledger says an earlier attempt may have reached ACS (<see cref="EmailMessage.PreviousAttemptUnclear"/>), ACS is
/// first asked whether that operation exists, and the message is not sent again if it does. A POST is never repeated
/// blindly: a timeout, a dropped connection, 408 or 5xx once the body was sent is Unknown, resolved by that status
/// check on the next attempt; only 429 (certainly not taken) is retried at once. 401/403/404 are Misconfigured;
/// 400/422 are Rejected with ACS's error. The quota (<see cref="AcsEmailOptions.MaxPerMinute"/>) is shared through
/// storage by the dispatcher; this sender never waits for a slot after a reminder was claimed.</para>
/// <para>A 202 is not final: ACS settles the operation later, which the sweep asks for through <see cref="CheckAsync"/>.</para>
/// </summary>
public sealed class AcsEmailSender : IEmailSender, IDeliveryStatusChecker
{
    public const string ApiVersion = "2025-09-01";

    private static readonly TimeSpan DefaultBackOff = TimeSpan.FromMinutes(1);

    private readonly HttpPipeline _pipeline;
    private readonly Uri _endpoint;
    private readonly TimeProvider _time;
    private readonly ILogger<AcsEmailSender> _logger;
    private readonly AcsEmailOptions _options;
    private readonly AcsRequestPacer _sends;
    private readonly AcsRequestPacer _statusChecks;
    private readonly ResponseClassifier _sendClassifier;
    private readonly ResponseClassifier _statusClassifier;
    private readonly ResponseClassifier _statusOnceClassifier;

    /// <param name="credential">Entra ID mode only; default <see cref="DefaultAzureCredential"/>.</param>
    /// <param name="transport">For tests; default Azure.Core's shared HttpClient transport.</param>
    public AcsEmailSender(IOptions<AcsEmailOptions> options, IOptions<EmailOptions> email, TimeProvider time, ILogger<AcsEmailSender> logger,
        TokenCredential? credential = null, HttpPipelineTransport? transport = null)
    {
        _options = options.Value;
        var errors = AcsEmailOptionsValidator.Errors(_options).ToList();
        if (errors.Count > 0) throw new OptionsValidationException(AcsEmailOptions.Section, typeof(AcsEmailOptions), errors);

        _time = time;
        _logger = logger;
        (_pipeline, _endpoint, var mode) = AcsPipeline.Build(_options, time, credential, transport);
        _sends = new AcsRequestPacer(_options.MaxPerMinute, _options.MaxPerHour, time);
        _statusChecks = new AcsRequestPacer(_options.MaxStatusChecksPerMinute, _options.MaxStatusChecksPerHour, time);
        _sendClassifier = new AcsResponseClassifier(202, retry: true, _options.MaxRetryDelay, onlyThrottling: true);
        _statusClassifier = new AcsResponseClassifier(200, retry: true, _options.MaxRetryDelay);
        _statusOnceClassifier = new AcsResponseClassifier(200, retry: false, TimeSpan.Zero);

        logger.LogInformation("ACS email: {Endpoint} with {Mode}, at most {PerMinute} sends a minute and {PerHour} an hour",
            _endpoint, mode, _options.MaxPerMinute, _options.MaxPerHour);
        if (email.Value.SenderAddress.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
            logger.LogWarning("Email:SenderAddress {Sender} is not on a domain ACS can send from; set it to an address of a domain verified in ACS",
                email.Value.SenderAddress);
    }

    public SenderTraits Traits => new("Acs", new SendLimits("acs-" + _endpoint.Host, _options.MaxPerMinute, _options.MaxPerHour), CanConfirmEarlierAttempt: true);

    public async Task<EmailSendResult> SendAsync(EmailMessage email, CancellationToken ct)
    {
        var operationId = email.ReminderId.ToString("D");
        if (email.PreviousAttemptUnclear)
        {
            // An earlier try may have reached ACS (a timeout, a crash after the claim): never send the same reminder twice.
            var earlier = await GetOperationAsync(operationId, waitForQuota: true, ct);
            switch (earlier.Kind)
            {
                case LookupKind.Found:
                    return AlreadyKnown(email, earlier.Operation!);
                case LookupKind.Refused:
                    return Misconfigured(email, earlier.Status, earlier.Code, earlier.Message);
                case LookupKind.Unavailable:
                    _logger.LogWarning("Reminder {ReminderId} (attempt {Attempt}) not sent: its earlier try's status is unknown ({Code}); trying again later",
                        email.ReminderId, email.Attempt, earlier.Code);
                    return new EmailSendResult(EmailSendOutcome.Transient, ErrorCode: earlier.Code,
                        Error: $"Could not ask ACS whether an earlier attempt was accepted: {earlier.Message}");
                case LookupKind.NotFound:
                    break; // never reached ACS: send
            }
        }
        return await PostAsync(email, operationId, ct);
    }

    public async Task<DeliveryStatus> CheckAsync(string providerMessageId, CancellationToken ct)
    {
        // No retries and no waiting here: an unanswered check is simply asked again in a later run.
        var lookup = await GetOperationAsync(providerMessageId, waitForQuota: false, ct);
        switch (lookup.Kind)
        {
            case LookupKind.Found:
                var operation = lookup.Operation!;
                if (Is(operation, "Succeeded")) return new DeliveryStatus(DeliveryState.Succeeded);
                if (Is(operation, "Failed"))
                    return new DeliveryStatus(DeliveryState.Failed, operation.Error?.Code ?? "Failed", operation.Error?.Message ?? "ACS reported the send operation as failed.");
                if (Is(operation, "Canceled"))
                    return new DeliveryStatus(DeliveryState.Failed, operation.Error?.Code ?? "Canceled", operation.Error?.Message ?? "ACS canceled the send operation.");
                return new DeliveryStatus(DeliveryState.Running); // NotStarted, Running, or a status added later
            case LookupKind.NotFound:
                _logger.LogWarning("ACS does not know operation {OperationId}; its status stays unknown", providerMessageId);
                return new DeliveryStatus(DeliveryState.Unknown, "OperationNotFound", "ACS does not know this operation.");
            case LookupKind.Refused:
                _logger.LogError("ACS refused a status request ({Status} {Code}): {Message}. Check Email:Acs credentials and roles.",
                    lookup.Status, lookup.Code, lookup.Message);
                return new DeliveryStatus(DeliveryState.Unknown, lookup.Code, lookup.Message);
            default:
                return new DeliveryStatus(DeliveryState.Unknown, lookup.Code, lookup.Message);
        }
    }

    private async Task<EmailSendResult> PostAsync(EmailMessage email, string operationId, CancellationToken ct)
    {
        var body = AcsEmailRequest.From(email).ToUtf8Bytes();

        // The shared quota was reserved before the claim; this local pacer only honours ACS's own back-off (429),
        // and never makes a claimed reminder wait.
        if (!_sends.TryReserve(TimeSpan.Zero, out var wait, out var earliest))
        {
            _logger.LogWarning("Reminder {ReminderId} not sent: the ACS send quota is used up until {Earliest:u}", email.ReminderId, earliest);
            return new EmailSendResult(EmailSendOutcome.Transient, ErrorCode: "SendQuotaReached",
                Error: $"The ACS send quota is used up (or ACS asked to back off) until {earliest:u}.");
        }
        if (wait > TimeSpan.Zero) await Task.Delay(wait, _time, ct);

        using var message = _pipeline.CreateMessage(context: null, _sendClassifier);
        var request = message.Request;
        request.Method = RequestMethod.Post;
        request.Uri.Reset(new Uri($"{_endpoint.GetLeftPart(UriPartial.Authority)}/emails:send?api-version={ApiVersion}"));
        request.Headers.SetValue("Operation-Id", operationId);
        request.Headers.SetValue(HttpHeader.Names.ContentType, "application/json");
        request.Headers.SetValue(HttpHeader.Names.Accept, "application/json");
        request.Content = RequestContent.Create(body);

        var failure = await SendMessageAsync(message, ct);
        _sends.RecordExtra(message.ProcessingContext.RetryNumber);
        if (failure is not null)
        {
            if (failure.Value.Misconfigured) return Misconfigured(email, 0, failure.Value.Code, failure.Value.Message);
            if (failure.Value.NothingSent)
                return new EmailSendResult(EmailSendOutcome.Transient, ErrorCode: failure.Value.Code, Error: failure.Value.Message);
            _logger.LogWarning("Reminder {ReminderId}: ACS send outcome unclear ({Code}); the next attempt asks for its status first",
                email.ReminderId, failure.Value.Code);
            return new EmailSendResult(EmailSendOutcome.Unknown, ErrorCode: failure.Value.Code, Error: failure.Value.Message);
        }

        var response = message.Response;
        var status = response.Status;
        if (status == 202)
        {
            var accepted = Parse(response, AcsJson.Default.AcsOperation);
            var id = string.IsNullOrWhiteSpace(accepted?.Id) ? operationId : accepted!.Id!;
            _logger.LogInformation("ACS accepted reminder {ReminderId} as operation {OperationId} (attempt {Attempt}, {Tries} tries)",
                email.ReminderId, id, email.Attempt, message.ProcessingContext.RetryNumber + 1);
            return new EmailSendResult(EmailSendOutcome.Accepted, id, AwaitsFinalStatus: true);
        }

        var (code, error) = ReadError(response);
        switch (status)
        {
            case 401 or 403 or 404:
                return Misconfigured(email, status, code, error);
            case 409:
                // The operation id is taken: an earlier try got through after all. Its status says what became of it.
                var existing = await GetOperationAsync(operationId, waitForQuota: true, ct);
                if (existing.Kind == LookupKind.Found) return AlreadyKnown(email, existing.Operation!);
                return new EmailSendResult(EmailSendOutcome.Transient, ErrorCode: code, Error: error);
            case 429:
                _sends.BackOffUntil(_time.GetUtcNow() + (AcsResponseClassifier.ServerDelay(response) ?? DefaultBackOff));
                _logger.LogWarning("Reminder {ReminderId} not sent: ACS answered 429 {Code} after {Tries} tries; trying again later",
                    email.ReminderId, code, message.ProcessingContext.RetryNumber + 1);
                return new EmailSendResult(EmailSendOutcome.Transient, ErrorCode: code, Error: error);
            case var s when AcsResponseClassifier.IsTransient(s):
                // 408 or 5xx after the body was sent: ACS may have taken the message. Resolved by a status check, never a blind resend.
                _logger.LogWarning("Reminder {ReminderId}: ACS answered {Status} {Code}; outcome unclear, the next attempt asks for its status first",
                    email.ReminderId, status, code);
                return new EmailSendResult(EmailSendOutcome.Unknown, ErrorCode: code, Error: error);
            case >= 400 and < 500:
                // No message text in the log: it can quote the recipient. It is kept on the reminder instead.
                _logger.LogWarning("ACS rejected reminder {ReminderId}: {Status} {Code}", email.ReminderId, status, code);
                return new EmailSendResult(EmailSendOutcome.Rejected, ErrorCode: code, Error: error);
            default:
                return new EmailSendResult(EmailSendOutcome.Unknown, ErrorCode: code, Error: $"Unexpected answer from ACS: {status}. {error}".TrimEnd());
        }
    }

    private async Task<Lookup> GetOperationAsync(string operationId, bool waitForQuota, CancellationToken ct)
    {
        // Never waits for a slot: a claimed reminder is not held while the status-check quota refills.
        if (!_statusChecks.TryReserve(TimeSpan.Zero, out var wait, out var earliest))
            return new Lookup(LookupKind.Unavailable, null, 0, "StatusQuotaReached", $"The ACS status-check quota is used up until {earliest:u}.");
        if (wait > TimeSpan.Zero) await Task.Delay(wait, _time, ct);

        using var message = _pipeline.CreateMessage(context: null, waitForQuota ? _statusClassifier : _statusOnceClassifier);
        message.Request.Method = RequestMethod.Get;
        message.Request.Uri.Reset(new Uri(
            $"{_endpoint.GetLeftPart(UriPartial.Authority)}/emails/operations/{Uri.EscapeDataString(operationId)}?api-version={ApiVersion}"));
        message.Request.Headers.SetValue(HttpHeader.Names.Accept, "application/json");

        var failure = await SendMessageAsync(message, ct);
        _statusChecks.RecordExtra(message.ProcessingContext.RetryNumber);
        if (failure is not null)
            return new Lookup(failure.Value.Misconfigured ? LookupKind.Refused : LookupKind.Unavailable, null, 0, failure.Value.Code, failure.Value.Message);

        var response = message.Response;
        if (response.Status == 200)
        {
            var operation = Parse(response, AcsJson.Default.AcsOperation);
            return operation?.Status is null
                ? new Lookup(LookupKind.Unavailable, null, 200, "UnreadableStatus", "ACS answered the status request with an unreadable body.")
                : new Lookup(LookupKind.Found, operation, 200, null, null);
        }
        var (code, error) = ReadError(response);
        if (response.Status == 429)
            _statusChecks.BackOffUntil(_time.GetUtcNow() + (AcsResponseClassifier.ServerDelay(response) ?? DefaultBackOff));
        return response.Status switch
        {
            404 => new Lookup(LookupKind.NotFound, null, 404, code, error),
            401 or 403 => new Lookup(LookupKind.Refused, null, response.Status, code, error),
            _ => new Lookup(LookupKind.Unavailable, null, response.Status, code, error),
        };
    }

    /// <summary>
    /// Runs the pipeline; null when a response came back, otherwise why none did, and whether the request certainly never
    /// reached ACS (no connection could be made) rather than perhaps reached it (a timeout, a connection dropped mid-way).
    /// </summary>
    private async Task<(string Code, string Message, bool Misconfigured, bool NothingSent)?> SendMessageAsync(HttpMessage message, CancellationToken ct)
    {
        try
        {
            await _pipeline.SendAsync(message, ct);
            return null;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return ("Timeout", $"ACS did not answer within {_options.RequestTimeout.TotalSeconds:0.###} s.", false, false);
        }
        catch (AuthenticationFailedException e)
        {
            return ("EntraAuthenticationFailed", "Could not get a Microsoft Entra ID token for ACS: " + e.Message, true, true);
        }
        catch (Exception e) when (e is RequestFailedException or HttpRequestException or IOException)
        {
            return ("NetworkError", "Could not reach ACS: " + e.Message, false, NeverConnected(e));
        }
    }

    /// <summary>The connection was refused or the host not found: the request never left.</summary>
    private static bool NeverConnected(Exception e)
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
            if (inner is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionRefused or System.Net.Sockets.SocketError.HostNotFound or System.Net.Sockets.SocketError.NetworkUnreachable or System.Net.Sockets.SocketError.HostUnreachable })
                return true;
        return false;
    }

    private EmailSendResult AlreadyKnown(EmailMessage email, AcsOperation operation)
    {
        if (Is(operation, "Failed") || Is(operation, "Canceled"))
        {
            _logger.LogWarning("Reminder {ReminderId}: an earlier attempt reached ACS and ended {Status} ({Code})",
                email.ReminderId, operation.Status, operation.Error?.Code);
            return new EmailSendResult(EmailSendOutcome.Rejected, ErrorCode: operation.Error?.Code ?? operation.Status,
                Error: operation.Error?.Message ?? $"ACS reported the send operation as {operation.Status}.");
        }
        _logger.LogInformation("Reminder {ReminderId} was already accepted by ACS on an earlier attempt (status {Status}); not sent again",
            email.ReminderId, operation.Status);
        var id = string.IsNullOrWhiteSpace(operation.Id) ? email.ReminderId.ToString("D") : operation.Id!;
        return new EmailSendResult(EmailSendOutcome.Accepted, id, AwaitsFinalStatus: true);
    }

    private EmailSendResult Misconfigured(EmailMessage email, int status, string? code, string? error)
    {
        _logger.LogError("ACS refused to send reminder {ReminderId}: {Status} {Code}: {Error}. Check Email:Acs (endpoint, key or role) and Email:SenderAddress.",
            email.ReminderId, status, code, error);
        return new EmailSendResult(EmailSendOutcome.Misconfigured, ErrorCode: code, Error: error);
    }

    private static bool Is(AcsOperation operation, string status) => string.Equals(operation.Status, status, StringComparison.OrdinalIgnoreCase);

    /// <summary>ACS's error code and message: from the ErrorResponse body, else the <c>x-ms-error-code</c> header, else the HTTP status.</summary>
    private static (string Code, string Message) ReadError(Response response)
    {
        var error = Parse(response, AcsJson.Default.AcsErrorResponse)?.Error;
        response.Headers.TryGetValue("x-ms-error-code", out var header);
        var code = !string.IsNullOrWhiteSpace(error?.Code) ? error!.Code! : !string.IsNullOrWhiteSpace(header) ? header! : $"Http{response.Status}";
        var message = !string.IsNullOrWhiteSpace(error?.Message) ? error!.Message! : $"ACS answered {response.Status} {response.ReasonPhrase}".TrimEnd();
        return (code, message);
    }

    private static T? Parse<T>(Response response, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) where T : class
    {
        try
        {
            var content = response.Content;
            return content is null || content.ToMemory().IsEmpty ? null : JsonSerializer.Deserialize(content.ToMemory().Span, type);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    private enum LookupKind { Found, NotFound, Refused, Unavailable }

    private sealed record Lookup(LookupKind Kind, AcsOperation? Operation, int Status, string? Code, string? Message);
}
