using Azure;

namespace Reminders.Storage;

internal static class TableErrors
{
    public static bool IsNotFound(this RequestFailedException e) => e.Status == 404;

    /// <summary>412 (ETag mismatch) or 409 (insert of an existing row): someone else wrote first.</summary>
    public static bool IsConflict(this RequestFailedException e) => e.Status is 409 or 412;
}
