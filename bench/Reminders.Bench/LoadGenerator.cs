using System.Diagnostics;
using System.Net.Http.Json;

namespace Reminders.Bench;

/// <summary>
/// An open-loop load generator: requests start at a fixed rate whatever the server does (no coordinated omission), and
/// each latency is measured from when the request was due to start. A request slower than the timeout counts as an error.
/// </summary>
internal static class LoadGenerator
{
    public sealed record Result(int Rate, int Sent, int Errors, int Refused, double P50, double P99, double Max);

    public static async Task<Result> RunAsync(HttpClient client, int rate, TimeSpan duration, Func<long, HttpRequestMessage> request)
    {
        var total = (int)(rate * duration.TotalSeconds);
        var latencies = new double[total];
        int errors = 0, refused = 0;
        var watch = Stopwatch.StartNew();
        var tasks = new List<Task>(total);
        for (var i = 0; i < total; i++)
        {
            var due = TimeSpan.FromSeconds((double)i / rate);
            var wait = due - watch.Elapsed;
            if (wait > TimeSpan.FromMilliseconds(1)) await Task.Delay(wait);
            var index = i;
            tasks.Add(Task.Run(async () =>
            {
                try
                {
                    using var message = request(index);
                    using var response = await client.SendAsync(message);
                    if ((int)response.StatusCode is 429 or 503) Interlocked.Increment(ref refused);
                    else if (!response.IsSuccessStatusCode) Interlocked.Increment(ref errors);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    Interlocked.Increment(ref errors);
                }
                latencies[index] = (watch.Elapsed - due).TotalMilliseconds;
            }));
        }
        await Task.WhenAll(tasks);
        Array.Sort(latencies);
        return new Result(rate, total, errors, refused, latencies[total / 2], latencies[(int)(total * 0.99)], latencies[^1]);
    }
}
