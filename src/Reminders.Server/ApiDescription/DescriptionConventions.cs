using Microsoft.AspNetCore.Mvc;
using Microsoft.OpenApi;
using Reminders.Http;

namespace Reminders.Server.ApiDescription;

/// <summary>
/// The pieces the route descriptions are made of. The handlers take <c>HttpRequest</c> and return <c>IResult</c>, so
/// the generator sees neither body nor status codes: each is declared here, as the handler really answers.
/// </summary>
internal static class DescriptionConventions
{
    public const string Json = "application/json";
    public const string ProblemJson = "application/problem+json";
    public const string Html = "text/html";

    /// <summary>A status with its body type (null: no body) and a description, as <c>Produces</c> does but saying when.</summary>
    public static RouteHandlerBuilder Responds(this RouteHandlerBuilder route, int status, Type? type, string description, params string[] contentTypes) => route
        .WithMetadata(new ProducesResponseTypeMetadata(status, type ?? typeof(void), contentTypes))
        // The generator writes the reason phrase ("Bad Request") whatever the metadata says; the "when" is set here.
        .AddOpenApiOperationTransformer((operation, _, _) =>
        {
            if (operation.Responses?.TryGetValue(status.ToString(), out var response) == true && response is OpenApiResponse described)
                described.Description = description;
            return Task.CompletedTask;
        });

    /// <summary>
    /// A second body for a status already declared, in another media type (a page for browsers). Metadata cannot say
    /// this: the generator keeps one body type per status.
    /// </summary>
    public static RouteHandlerBuilder AlsoResponds(this RouteHandlerBuilder route, int status, string contentType, string description) =>
        route.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            var response = (OpenApiResponse)operation.Responses![status.ToString()];
            response.Content ??= new Dictionary<string, OpenApiMediaType>();
            response.Content[contentType] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String } };
            response.Description += " " + description;
            return Task.CompletedTask;
        });

    /// <summary>A JSON body that is one of two types (the generator keeps one body type per status).</summary>
    public static RouteHandlerBuilder RespondsEither<T1, T2>(this RouteHandlerBuilder route, int status, string description) => route
        .Responds(status, typeof(T1), description, Json)
        .AddOpenApiOperationTransformer(async (operation, context, cancellationToken) =>
        {
            var name = typeof(T2).Name;
            context.Document!.AddComponent(name, await context.GetOrCreateSchemaAsync(typeof(T2), null, cancellationToken));
            var media = ((OpenApiResponse)operation.Responses![status.ToString()]).Content![Json];
            media.Schema = new OpenApiSchema { OneOf = [media.Schema!, new OpenApiSchemaReference(name, context.Document)] };
        });

    /// <summary>A body read by <see cref="JsonBody"/>: its 400 (malformed or invalid), 413 (over the limit) and 415 (not JSON).</summary>
    public static RouteHandlerBuilder AcceptsJson<T>(this RouteHandlerBuilder route, int maxBytes) => route
        .WithRequestBody<T>(Json, required: true)
        .Responds(400, typeof(HttpValidationProblemDetails), "Malformed JSON, a wrong type, or invalid fields: `errors` names each one.", ProblemJson)
        .Responds(413, typeof(FieldProblemDetails), $"The body is over {maxBytes} bytes (`field`: `body`).", ProblemJson)
        .Responds(415, typeof(FieldProblemDetails), "The body is not JSON (`field`: `Content-Type`).", ProblemJson);

    /// <summary>A 400 for ids or query values that break the rules, with <c>errors</c> naming each field.</summary>
    public static RouteHandlerBuilder RespondsInvalid(this RouteHandlerBuilder route, string description) =>
        route.Responds(400, typeof(HttpValidationProblemDetails), description, ProblemJson);

    /// <param name="staffMay">A staff key may call it too; otherwise a staff key gets the declared 403.</param>
    public static RouteHandlerBuilder RequiresClinicKey(this RouteHandlerBuilder route, bool staffMay = false) =>
        route.RequiresKey(OpenApiSetup.ClinicKeyScheme, $"No {ApiAuthentication.ClinicKeyHeader}, or one that is no clinic's.").RefusesStaff(staffMay);

    private static RouteHandlerBuilder RefusesStaff(this RouteHandlerBuilder route, bool staffMay) => staffMay
        ? route
        : route.Responds(403, typeof(ProblemDetails), "A staff key (rs_…) or staff session (rt_…): it may only read and cancel sessions; this call needs the clinic's integration key.", ProblemJson);

    public static RouteHandlerBuilder RequiresAdminKey(this RouteHandlerBuilder route) =>
        route.RequiresKey(OpenApiSetup.AdminKeyScheme, $"No {ApiAuthentication.AdminKeyHeader}, or a wrong one (or no admin key is set).");

    /// <summary>Either key: an admin for any clinic, or the clinic's own key.</summary>
    public static RouteHandlerBuilder RequiresAdminOrClinicKey(this RouteHandlerBuilder route, bool staffMay = false) => route
        .RefusesStaff(staffMay)
        .Responds(401, typeof(ProblemDetails), $"Neither a valid {ApiAuthentication.AdminKeyHeader} nor a valid {ApiAuthentication.ClinicKeyHeader}.", ProblemJson)
        .AddOpenApiOperationTransformer((operation, context, _) =>
        {
            operation.Security =
            [
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(OpenApiSetup.AdminKeyScheme, context.Document)] = [] },
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(OpenApiSetup.ClinicKeyScheme, context.Document)] = [] },
            ];
            return Task.CompletedTask;
        });

    private static RouteHandlerBuilder RequiresKey(this RouteHandlerBuilder route, string scheme, string unauthorized) => route
        .Responds(401, typeof(ProblemDetails), unauthorized, ProblemJson)
        .AddOpenApiOperationTransformer((operation, context, _) =>
        {
            operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(scheme, context.Document)] = [] }];
            return Task.CompletedTask;
        });

    /// <summary>
    /// The request body, described only. Not <c>.Accepts&lt;T&gt;()</c>: its metadata also takes part in routing, and
    /// the router would then answer a body of another type with its own 415, without the API's <c>field</c>.
    /// </summary>
    public static RouteHandlerBuilder WithRequestBody<T>(this RouteHandlerBuilder route, string contentType, bool required) =>
        route.AddOpenApiOperationTransformer(async (operation, context, cancellationToken) =>
        {
            var name = typeof(T).Name;
            context.Document!.AddComponent(name, await context.GetOrCreateSchemaAsync(typeof(T), null, cancellationToken));
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = required,
                Content = new Dictionary<string, OpenApiMediaType> { [contentType] = new() { Schema = new OpenApiSchemaReference(name, context.Document) } },
            };
        });

    /// <summary>A query parameter the handler reads from <c>request.Query</c> itself (so the generator cannot see it).</summary>
    public static RouteHandlerBuilder WithQuery(this RouteHandlerBuilder route, string name, bool required, string description, OpenApiSchema schema) =>
        route.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter { Name = name, In = ParameterLocation.Query, Required = required, Description = description, Schema = schema });
            return Task.CompletedTask;
        });

    public static OpenApiSchema Date() => new() { Type = JsonSchemaType.String, Format = "date" };
}
