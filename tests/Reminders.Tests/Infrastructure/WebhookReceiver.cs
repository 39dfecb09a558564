using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Reminders.Tests.Infrastructure;

/// <summary>One request as the <see cref="WebhookReceiver"/> took it.</summary>
/// <param name="Id">The <c>webhook-id</c> header ("" when absent).</param>
/// <param name="Timestamp">The <c>webhook-timestamp</c> header ("" when absent).</param>
/// <param name="Signature">The <c>webhook-signature</c> header ("" when absent).</param>
/// <param name="Body">The raw request body decoded as UTF-8, byte for byte what was sent.</param>
/// <param name="Headers">Every request header, lower-case names, repeated values joined with ", ".</param>
/// <param name="AnsweredStatus">The status answered; 0 when none was: a held request whose client went away, or (in
/// <see cref="WebhookReceiver.Gate.Arrived"/>) one not yet released.</param>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The request path (the receiver takes every path, not only <c>/hooks</c>).</param>
/// <param name="Sequence">1-based order of arrival at the receiver.</param>
public sealed record ReceivedWebhook(
    string Id,
    string Timestamp,
    string Signature,
    string Body,
    IReadOnlyDictionary<string, string> Headers,
    int AnsweredStatus,
    string Method,
    string Path,
    int Sequence)
{
    public string Describe()
    {
        var body = Body.Length <= 200 ? Body : Body[..200] + "…";
        var status = AnsweredStatus == 0 ? "no answer" : AnsweredStatus.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return $"#{Sequence} {Method} {Path} → {status}; webhook-id={Id}; webhook-timestamp={Timestamp}; webhook-signature={Signature}; body={body}";
    }
}

/// <summary>
/// A real HTTP server (Kestrel) on 127.0.0.1, a free port, playing a webhook consumer. It records every request and
/// answers <see cref="DefaultStatus"/> (204) unless scripted: <see cref="AnswerNext"/> and <see cref="HoldNext"/> queue
/// answers for the next requests, one each, in the order they were called. Waiting is driven by a signal raised on every
/// recorded request, never by sleeping.
/// </summary>
/// <remarks>
/// A request is recorded once its answer is settled: a normal or scripted one before the response goes out (so a client
/// that has its response sees it in <see cref="Received"/>), a held one when released or when its client went away.
/// <see cref="Received"/> is ordered by arrival either way.
/// </remarks>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Lock _lock = new();
    private readonly List<ReceivedWebhook> _received = [];
    private readonly Queue<Script> _scripts = new();
    private readonly List<Gate> _held = [];
    private TaskCompletionSource _changed = NewSignal();
    private int _arrivals;
    private bool _disposed;

    private WebhookReceiver(WebApplication app)
    {
        _app = app;
        app.Run(HandleAsync);
    }

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var receiver = new WebhookReceiver(builder.Build());
        await receiver._app.StartAsync();
        var address = receiver._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.BaseAddress = new Uri(address);
        receiver.Url = new Uri(receiver.BaseAddress, "/hooks");
        return receiver;
    }

    /// <summary>Where to send the webhooks: <c>http://127.0.0.1:PORT/hooks</c>.</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary><c>http://127.0.0.1:PORT/</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The status answered when nothing is scripted.</summary>
    public int DefaultStatus { get; set; } = StatusCodes.Status204NoContent;

    /// <summary>A snapshot of the requests recorded so far, in order of arrival.</summary>
    public IReadOnlyList<ReceivedWebhook> Received
    {
        get { lock (_lock) return Snapshot(); }
    }

    /// <summary>The next <c>statuses.Length</c> requests get these statuses, in order; then <see cref="DefaultStatus"/> again.</summary>
    public void AnswerNext(params int[] statuses)
    {
        lock (_lock)
            foreach (var status in statuses) _scripts.Enqueue(new Script(status, null));
    }

    /// <summary>
    /// The next request is held open until the returned gate is released. Its client may give up meanwhile (a short
    /// timeout): the request then ends unanswered, is recorded with status 0, and a later release does nothing.
    /// </summary>
    public Gate HoldNext()
    {
        var gate = new Gate();
        lock (_lock) _scripts.Enqueue(new Script(0, gate));
        return gate;
    }

    /// <summary>The first recorded request (in arrival order) that matches, waiting up to <paramref name="timeout"/> for it.</summary>
    /// <exception cref="TimeoutException">Nothing matched in time; the message lists what did arrive.</exception>
    public async Task<ReceivedWebhook> WaitForAsync(Func<ReceivedWebhook, bool> match, TimeSpan timeout)
    {
        var found = await WaitUntilAsync(list => list.FirstOrDefault(match), timeout, "a matching request");
        return found!;
    }

    /// <summary>Waits until at least <paramref name="n"/> requests are recorded.</summary>
    /// <exception cref="TimeoutException">Fewer arrived in time; the message lists them.</exception>
    public Task WaitForCountAsync(int n, TimeSpan timeout) =>
        WaitUntilAsync(list => list.Count >= n ? list : null, timeout, $"{n} request(s)");

    private async Task<T> WaitUntilAsync<T>(Func<IReadOnlyList<ReceivedWebhook>, T?> probe, TimeSpan timeout, string what)
        where T : class
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            Task signal;
            lock (_lock)
            {
                if (probe(Snapshot()) is { } result) return result;
                signal = _changed.Task;
            }
            var remaining = deadline - DateTime.UtcNow;
            try
            {
                if (remaining <= TimeSpan.Zero) throw new TimeoutException();
                await signal.WaitAsync(remaining, TestContext.Current.CancellationToken);
            }
            catch (TimeoutException)
            {
                lock (_lock)
                    if (probe(Snapshot()) is { } late) return late;
                throw new TimeoutException(
                    $"The webhook receiver did not get {what} within {timeout.TotalSeconds:0.###} s. It got {Received.Count}:" +
                    (Received.Count == 0 ? " nothing." : Environment.NewLine + string.Join(Environment.NewLine, Received.Select(r => "  " + r.Describe()))));
            }
        }
    }

    private List<ReceivedWebhook> Snapshot() => [.. _received.OrderBy(r => r.Sequence)];

    private void Record(ReceivedWebhook webhook)
    {
        TaskCompletionSource changed;
        lock (_lock)
        {
            _received.Add(webhook);
            changed = _changed;
            _changed = NewSignal();
        }
        changed.TrySetResult();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var sequence = Interlocked.Increment(ref _arrivals);
        string body;
        try
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
            body = Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException || context.RequestAborted.IsCancellationRequested)
        {
            return; // the client went away mid-body: nothing was delivered
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in context.Request.Headers) headers[name.ToLowerInvariant()] = values.ToString();
        var arrived = new ReceivedWebhook(
            headers.GetValueOrDefault("webhook-id") ?? "",
            headers.GetValueOrDefault("webhook-timestamp") ?? "",
            headers.GetValueOrDefault("webhook-signature") ?? "",
            body, headers, 0, context.Request.Method, context.Request.Path.Value ?? "", sequence);

        Script script;
        lock (_lock) script = _scripts.TryDequeue(out var next) ? next : new Script(DefaultStatus, null);

        var status = script.Status;
        if (script.Hold is { } gate)
        {
            lock (_lock)
            {
                if (_disposed) gate.Release(StatusCodes.Status503ServiceUnavailable);
                else _held.Add(gate);
            }
            gate.Arrive(arrived);
            var aborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            await using (context.RequestAborted.Register(() => aborted.TrySetResult()))
                await Task.WhenAny(gate.Released, aborted.Task);
            lock (_lock) _held.Remove(gate);
            if (context.RequestAborted.IsCancellationRequested || !gate.Released.IsCompleted)
            {
                var abandoned = arrived with { AnsweredStatus = 0 };
                Record(abandoned);
                gate.Finish(abandoned);
                return;
            }
            status = gate.Released.Result;
            var answered = arrived with { AnsweredStatus = status };
            Record(answered);
            gate.Finish(answered);
        }
        else
        {
            Record(arrived with { AnsweredStatus = status });
        }

        context.Response.StatusCode = status;
        // Handler returns: Kestrel sends the (empty) response. A client that has gone makes no difference to the server.
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private sealed record Script(int Status, Gate? Hold);

    /// <summary>Holds one request open; see <see cref="HoldNext"/>.</summary>
    public sealed class Gate
    {
        private readonly TaskCompletionSource<ReceivedWebhook> _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource<int> _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource<ReceivedWebhook> _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);

        internal Gate() { }

        /// <summary>Completes when the held request has arrived (its body read), with it; its <c>AnsweredStatus</c> is 0 here.</summary>
        public Task<ReceivedWebhook> Arrived => _arrived.Task;

        /// <summary>Completes when the held request is over: released (with that status) or abandoned by its client (status 0).</summary>
        public Task<ReceivedWebhook> Finished => _finished.Task;

        /// <summary>Answers the held request with <paramref name="status"/>. Harmless before arrival (it is then answered at once), after
        /// its client went away, or twice (the first status wins).</summary>
        public void Release(int status = StatusCodes.Status204NoContent) => _released.TrySetResult(status);

        internal Task<int> Released => _released.Task;
        internal void Arrive(ReceivedWebhook webhook) => _arrived.TrySetResult(webhook);
        internal void Finish(ReceivedWebhook webhook) => _finished.TrySetResult(webhook);
    }

    public async ValueTask DisposeAsync()
    {
        Gate[] held;
        lock (_lock)
        {
            _disposed = true;
            held = [.. _held];
        }
        // Kestrel waits for requests in flight on stop: let held ones go first.
        foreach (var gate in held) gate.Release(StatusCodes.Status503ServiceUnavailable);
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
