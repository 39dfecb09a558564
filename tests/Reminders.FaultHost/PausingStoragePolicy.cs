using Azure.Core;
using Azure.Core.Pipeline;

namespace Reminders.FaultHost;

/// <summary>Journals every storage request ("REQ n METHOD url" before, "DONE n status" after); from request <c>pauseAt</c> on, every request waits for ever.</summary>
internal sealed class PausingStoragePolicy(Journal journal, FaultSwitch fault, int pauseAt) : HttpPipelinePolicy
{
    private int _count;

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var number = Interlocked.Increment(ref _count);
        if (number == pauseAt) fault.Freeze(number);
        if (fault.Frozen) await Task.Delay(Timeout.Infinite); // the test kills the process here
        journal.Write($"REQ {number} {message.Request.Method} {Uri.UnescapeDataString(message.Request.Uri.PathAndQuery)}");
        await ProcessNextAsync(message, pipeline);
        journal.Write($"DONE {number} {message.Response.Status}");
    }
}
