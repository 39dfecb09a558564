using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;

namespace Reminders.Email.Acs;

/// <summary>The Azure.Core pipeline for ACS: retry (408/429/5xx, bounded, exponential, honouring retry-after), then per try the authentication.</summary>
internal static class AcsPipeline
{
    /// <summary>The token scope every ACS SDK uses (the double slash is intended).</summary>
    public const string EntraScope = "https://communication.azure.com//.default";

    public static (HttpPipeline Pipeline, Uri Endpoint, string Mode) Build(AcsEmailOptions options, TimeProvider time, TokenCredential? credential, HttpPipelineTransport? transport)
    {
        var clientOptions = new AcsClientOptions();
        clientOptions.Retry.Mode = RetryMode.Exponential;
        clientOptions.Retry.MaxRetries = options.MaxRetries;
        clientOptions.Retry.Delay = options.RetryDelay;
        clientOptions.Retry.MaxDelay = options.MaxRetryDelay;
        clientOptions.Retry.NetworkTimeout = options.RequestTimeout;
        clientOptions.Diagnostics.ApplicationId = "reminders";
        if (transport is not null) clientOptions.Transport = transport;

        Uri endpoint;
        HttpPipelinePolicy authentication;
        string mode;
        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            if (!AcsConnectionString.TryParse(options.ConnectionString, out var parsed, out var error))
                throw new InvalidOperationException($"{AcsEmailOptions.Section}:ConnectionString {error}");
            endpoint = parsed!.Endpoint;
            authentication = new AcsHmacAuthenticationPolicy(parsed.AccessKey, time);
            mode = "access key";
        }
        else
        {
            if (!AcsEndpoint.TryParse(options.Endpoint, out var parsed, out var error))
                throw new InvalidOperationException($"{AcsEmailOptions.Section}:Endpoint {error}");
            endpoint = parsed!;
            authentication = new BearerTokenAuthenticationPolicy(credential ?? new DefaultAzureCredential(), EntraScope);
            mode = "Microsoft Entra ID";
        }

        // Per retry, so each try is signed (or carries a token) afresh.
        var pipeline = HttpPipelineBuilder.Build(clientOptions, perCallPolicies: [], perRetryPolicies: [authentication], responseClassifier: null);
        return (pipeline, endpoint, mode);
    }

    private sealed class AcsClientOptions : ClientOptions;
}
