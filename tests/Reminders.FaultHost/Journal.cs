namespace Reminders.FaultHost;

/// <summary>An append-only text file written line by line with no buffering, so what it says survives a SIGKILL.</summary>
internal sealed class Journal(string path)
{
    private readonly Lock _gate = new();
    private readonly FileStream _file = new(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite, 1, FileOptions.WriteThrough);

    public void Write(string line)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(line + "\n");
        lock (_gate)
        {
            _file.Write(bytes);
            _file.Flush(flushToDisk: false); // in the OS's hands: a killed process cannot lose it
        }
    }
}
