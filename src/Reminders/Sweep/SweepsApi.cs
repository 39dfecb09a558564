using Microsoft.AspNetCore.Http;
using Reminders.Http;

namespace Reminders.Sweep;

public static class SweepsApi
{
    /// <summary><c>POST /api/sweeps</c> (admin): run a sweep now and return this run's own transitions.</summary>
    public static async Task<IResult> RunSweep(HttpRequest request, ApiAuthentication auth, ReminderSweep sweep, CancellationToken ct)
    {
        if (!auth.IsAdmin(request)) return ApiAuthentication.AdminRequired();
        return TypedResults.Ok(await sweep.RunAsync(ct));
    }
}
