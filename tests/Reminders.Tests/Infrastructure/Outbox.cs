using MimeKit;

namespace Reminders.Tests.Infrastructure;

/// <summary>Reads what the local outbox sender wrote.</summary>
public static class Outbox
{
    public static string[] Files(string folder) =>
        Directory.Exists(folder) ? Directory.GetFiles(folder, "*.eml").Order().ToArray() : [];

    public static MimeMessage[] Messages(string folder) => Files(folder).Select(f => MimeMessage.Load(f)).ToArray();
}
