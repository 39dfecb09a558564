using System.Text.Json.Serialization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Reminders.Server.ApiDescription;

/// <summary>
/// The API description: generated from the route table (<see cref="RemindersApiDescription"/>) as OpenAPI 3.1, served
/// at <c>/api/openapi.json</c> and kept in the repository as <c>docs/openapi.json</c>, which the Functions app serves.
/// </summary>
public static class OpenApiSetup
{
    /// <summary>Under the <c>/api</c> group, as a Functions route (routes starting "admin" or "runtime" are the host's own).</summary>
    public const string DocumentRoute = "/openapi.json";
    public const string DocumentPath = "/api" + DocumentRoute;

    public const string AdminKeyScheme = "AdminKey";
    public const string ClinicKeyScheme = "ClinicKey";
    public const string FunctionKeyScheme = "FunctionKey";

    public static IServiceCollection AddRemindersOpenApi(this IServiceCollection services)
    {
        // The handlers read bodies with JsonBody.Options, which take numbers only as numbers; the generator reads these
        // options, so the schemas say "integer" rather than "integer or numeric string". Nothing the Server writes changes.
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.NumberHandling = JsonNumberHandling.Strict);
        services.AddOpenApi(options =>
        {
            options.OpenApiVersion = OpenApiSpecVersion.OpenApi3_1;
            options.CreateSchemaReferenceId = SchemaNames.For;
            options.AddSchemaTransformer<RequestSchemaRules>();
            options.AddSchemaTransformer<ReminderStatusValues>();
            options.AddDocumentTransformer<DocumentOverview>();
            options.AddDocumentTransformer<DocumentRouteDescription>();
            options.AddDocumentTransformer<OverloadResponses>();
            options.AddDocumentTransformer<RateLimitResponses>();
            options.AddDocumentTransformer<IdParameters>();
            options.AddDocumentTransformer<HeadOperations>();
            options.AddDocumentTransformer<ResponseOrder>();
        });
        return services;
    }
}
