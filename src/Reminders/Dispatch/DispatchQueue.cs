using Azure.Storage.Queues;
using Microsoft.Extensions.Options;
using Reminders.Configuration;
using Reminders.Plan;

namespace Reminders.Dispatch;

/// <summary>The Storage queue between the planner and the senders (<c>Reminders:DispatchQueue</c>), and its poison queue.</summary>
public sealed class DispatchQueue(QueueServiceClient service, IOptions<RemindersOptions> options)
{
    private volatile bool _created;

    public QueueClient Queue => service.GetQueueClient(options.Value.DispatchQueue);

    /// <summary>Where the Functions host (and the Server's consumer) puts a message that failed too often.</summary>
    public QueueClient Poison => service.GetQueueClient(options.Value.DispatchQueue + "-poison");

    public async ValueTask EnsureCreatedAsync(CancellationToken ct)
    {
        if (_created) return;
        await Queue.CreateIfNotExistsAsync(cancellationToken: ct);
        await Poison.CreateIfNotExistsAsync(cancellationToken: ct);
        _created = true;
    }

    /// <summary>Puts the planned rows on the queue in plan order, about <c>DispatchBatchSize</c> to a message (a patient's rows together); returns the number of messages.</summary>
    public async Task<int> EnqueueAsync(IReadOnlyList<DueEntity> rows, string runId, CancellationToken ct)
    {
        if (rows.Count == 0) return 0;
        await EnsureCreatedAsync(ct);
        var messages = DispatchBatches.Split(rows, options.Value.DispatchBatchSize)
            .Select(chunk => new DispatchMessage(DispatchMessage.CurrentVersion, runId, chunk.Select(DispatchItem.From).ToList()).ToJson())
            .ToList();
        await Parallel.ForEachAsync(messages, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct },
            async (text, token) => await Queue.SendMessageAsync(text, token));
        return messages.Count;
    }
}
