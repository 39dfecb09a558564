namespace Reminders.Email.Acs;

/// <summary>The resource endpoint, reduced to scheme and authority so request paths never get a double slash.</summary>
public static class AcsEndpoint
{
    public static bool TryParse(string? value, out Uri? endpoint, out string? error)
    {
        endpoint = null;
        if (!Uri.TryCreate(value?.Trim(), UriKind.Absolute, out var uri))
        {
            error = "must be an absolute URL such as https://<resource>.communication.azure.com.";
            return false;
        }
        // Plain http only to this machine: the tests' fake ACS. Anything else would send the key-signed request or the token in clear.
        if (uri.Scheme != Uri.UriSchemeHttps && !(uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback))
        {
            error = "must use https (plain http is accepted for a loopback host only).";
            return false;
        }
        if (uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0)
        {
            error = "must be the resource URL alone, with no path, query or credentials.";
            return false;
        }
        endpoint = new Uri(uri.GetLeftPart(UriPartial.Authority));
        error = null;
        return true;
    }
}
