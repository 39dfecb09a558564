using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;

namespace Reminders.Tests.Infrastructure;

/// <summary>
/// A pipeline policy on the service's table client that drives races deterministically: a rule holds the first
/// storage request it matches (until the test releases it) or fails it, so another writer can run at exactly that
/// point. Requests are matched on method and URL (the table, and the keys of point operations) and, for entity-group
/// transactions, on the batch body.
/// </summary>
public sealed class StorageGate : HttpPipelinePolicy
{
    private readonly List<Rule> _rules = [];
    private readonly Lock _gate = new();

    /// <summary>A request a rule looks at: method, URL (unescaped) and body text.</summary>
    public sealed record Call(string Method, string Url, string Body)
    {
        public bool IsBatch => Url.Contains("$batch", StringComparison.Ordinal);
        public bool Touches(string table) => Url.Contains("/" + table, StringComparison.Ordinal) || Body.Contains("/" + table, StringComparison.Ordinal);
    }

    public sealed class Hold
    {
        private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Completes when the matching request arrives (it then waits for <see cref="Release"/>).</summary>
        public Task Reached => _reached.Task;
        internal Task Released => _released.Task;
        internal void Arrive() => _reached.TrySetResult();
        public void Release() => _released.TrySetResult();
    }

    private sealed record Rule(Func<Call, bool> Match, Hold? Hold, int? FailWith, bool Once);

    /// <summary>Puts this gate in front of the service's table client (a host's service overrides).</summary>
    public void Install(IServiceCollection services, string connectionString)
    {
        var options = new TableClientOptions();
        options.AddPolicy(this, HttpPipelinePosition.PerCall);
        services.AddSingleton(new TableServiceClient(connectionString, options));
    }

    /// <summary>Holds the first request that matches, until released.</summary>
    public Hold HoldFirst(Func<Call, bool> match)
    {
        var hold = new Hold();
        lock (_gate) _rules.Add(new Rule(match, hold, null, Once: true));
        return hold;
    }

    /// <summary>Fails the first matching request with <paramref name="status"/>, as a process dying before it would leave it undone.</summary>
    public void FailFirst(Func<Call, bool> match, int status = 503)
    {
        lock (_gate) _rules.Add(new Rule(match, null, status, Once: true));
    }

    /// <summary>Every request that went through the gate, in order.</summary>
    public IReadOnlyList<Call> Calls
    {
        get { lock (_gate) return [.. _calls]; }
    }

    private readonly List<Call> _calls = [];

    /// <summary>Fails every matching request with <paramref name="status"/>, as a storage outage would.</summary>
    public void Fail(Func<Call, bool> match, int status = 503)
    {
        lock (_gate) _rules.Add(new Rule(match, null, status, Once: false));
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var call = Describe(message);
        Rule? rule;
        lock (_gate)
        {
            _calls.Add(call);
            rule = _rules.FirstOrDefault(r => r.Match(call));
            if (rule is { Once: true }) _rules.Remove(rule);
        }
        if (rule?.FailWith is { } status)
            throw new Azure.RequestFailedException(status, "Injected by the test's storage gate.");
        if (rule?.Hold is { } hold)
        {
            hold.Arrive();
            await hold.Released;
        }
        await ProcessNextAsync(message, pipeline);
    }

    private static Call Describe(HttpMessage message)
    {
        var body = "";
        if (message.Request.Content is { } content)
        {
            using var buffer = new MemoryStream();
            content.WriteTo(buffer, default);
            body = System.Text.Encoding.UTF8.GetString(buffer.ToArray());
        }
        return new Call(message.Request.Method.ToString(), Uri.UnescapeDataString(message.Request.Uri.ToString()), Uri.UnescapeDataString(body));
    }
}
