using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Reminders.Http;

namespace Reminders.Server.ApiDescription;

/// <summary>Title, the keys, and no <c>servers</c>: the document is the same wherever it is served, and its paths are relative to the host serving it.</summary>
internal sealed class DocumentOverview : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info = new OpenApiInfo
        {
            Title = "Reminders API",
            Version = "v1",
            Description =
                "Clinics post injection sessions; the service emails each patient when their relief is nearly over. " +
                "Served by the standalone Server and by the Azure Functions app alike. Every error is an RFC 9457 problem " +
                "(application/problem+json); a bad field is named under `errors` (400) or in `field` (413, 415, 422).",
        };
        document.Servers = [];
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[OpenApiSetup.AdminKeyScheme] = Header(ApiAuthentication.AdminKeyHeader,
            "The operator's key: the Reminders__AdminKey setting. With no setting, every admin call is 401.");
        document.Components.SecuritySchemes[OpenApiSetup.ClinicKeyScheme] = Header(ApiAuthentication.ClinicKeyHeader,
            "A clinic's key, given once when the clinic is created. It alone decides whose data a call sees.");
        // Described, not required by any operation: the Server has no function keys, and requiring it would say it does.
        document.Components.SecuritySchemes[OpenApiSetup.FunctionKeyScheme] = Header("x-functions-key",
            "On Azure Functions only: the host's function key (or ?code=), on every call that also takes an admin or clinic key.");
        return Task.CompletedTask;
    }

    private static OpenApiSecurityScheme Header(string name, string description) =>
        new() { Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = name, Description = description };
}
