namespace Reminders.Server.ApiDescription;

/// <summary>
/// Describes (never built) the optional form of <c>POST /api/unsubscribe</c>: the page's button sends
/// <c>action=resubscribe</c> to opt back in; a mail client's RFC 8058 one-click POST sends <c>List-Unsubscribe=One-Click</c>.
/// </summary>
public sealed record UnsubscribeForm(string? Action = null);
