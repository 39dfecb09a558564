namespace Reminders.Tests.Sweep;

/// <summary>A sender that stops inside its first send, once the email has left, until the test lets it go on.</summary>
public sealed class PausedSend
{
    public readonly TaskCompletionSource Inside = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public readonly TaskCompletionSource Go = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public SendBehaviour Behaviour => async call =>
    {
        var result = await call.SendForReal();
        if (call.Number == 1)
        {
            Inside.TrySetResult();
            await Go.Task;
        }
        return result;
    };
}
