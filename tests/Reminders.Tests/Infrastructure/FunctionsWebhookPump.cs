using Microsoft.Extensions.DependencyInjection;
using Reminders.Functions;
using Reminders.Webhooks;

namespace Reminders.Tests.Infrastructure;

/// <summary>
/// What the Functions host does for the webhook queue trigger, for a <see cref="FunctionsHost"/>: takes each message
/// and calls <see cref="WebhookFunctions.Deliver"/>; a message whose invocation returned is deleted, one that threw
/// comes back after its hiding time, as with the real trigger.
/// </summary>
public sealed class FunctionsWebhookPump : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public FunctionsWebhookPump(IApiHost host) => _loop = RunAsync(host.Services, _stop.Token);

    private static async Task RunAsync(IServiceProvider services, CancellationToken ct)
    {
        var queue = services.GetRequiredService<WebhookQueue>();
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await queue.EnsureCreatedAsync(ct);
                var messages = (await queue.Queue.ReceiveMessagesAsync(16, TimeSpan.FromSeconds(30), ct)).Value;
                if (messages.Length == 0)
                {
                    await Task.Delay(50, ct);
                    continue;
                }
                await Task.WhenAll(messages.Select(async m =>
                {
                    using var scope = services.CreateScope();
                    try
                    {
                        await scope.ServiceProvider.GetRequiredService<WebhookFunctions>().Deliver(m.Body.ToString(), ct);
                        await queue.Queue.DeleteMessageAsync(m.MessageId, m.PopReceipt, CancellationToken.None);
                    }
                    catch (Exception) when (!ct.IsCancellationRequested)
                    {
                        // The trigger's retry: the message reappears when its hiding time ends.
                    }
                }));
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try { await _loop; } catch (OperationCanceledException) { }
        _stop.Dispose();
    }
}
