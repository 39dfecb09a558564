namespace Reminders.Health;

/// <summary>The body of a healthy <c>GET /api/health</c> (<c>{"status":"Healthy"}</c>) or <c>/api/health/live</c> (<c>"Alive"</c>). A type, so the API description shows it.</summary>
public sealed record HealthStatus(string Status)
{
    public static readonly HealthStatus Healthy = new("Healthy");
    public static readonly HealthStatus Alive = new("Alive");
}
