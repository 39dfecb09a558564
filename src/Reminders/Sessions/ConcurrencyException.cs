namespace Reminders.Sessions;

/// <summary>Optimistic concurrency gave up after several tries; the API answers 409.</summary>
public sealed class ConcurrencyException(string message) : Exception(message);
