using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Reminders.Configuration;

namespace Reminders.Tests.Infrastructure;

/// <summary>
/// Serves the Functions app's own trigger methods over real HTTP, routed by their <see cref="HttpTriggerAttribute"/>
/// (route, methods) under the host's "api" prefix, the way the Functions host binds them: the request,
/// route values by parameter name, and the cancellation token. The function key is the platform's and is not modelled.
/// </summary>
public sealed class FunctionsHost(WebApplication app, FakeTimeProvider time, TestSettings settings) : WebAppHost(app, time, settings)
{
    public static readonly Assembly FunctionsAssembly = typeof(Reminders.Functions.SweepFunctions).Assembly;

    public static IEnumerable<(MethodInfo Method, HttpTriggerAttribute Trigger)> HttpFunctions() =>
        from type in FunctionsAssembly.GetTypes()
        from method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance)
        where method.GetCustomAttribute<FunctionAttribute>() is not null
        let trigger = method.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).FirstOrDefault(a => a is not null)
        where trigger is not null
        select (method, trigger);

    public static async Task<FunctionsHost> StartAsync(TestSettings settings, FakeTimeProvider time)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(settings.ToConfiguration());
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddReminders(builder.Configuration);
        foreach (var type in FunctionsAssembly.GetTypes().Where(t => t.Name.EndsWith("Functions", StringComparison.Ordinal)))
            builder.Services.AddTransient(type);

        var app = builder.Build();
        foreach (var (method, trigger) in HttpFunctions())
            app.MapMethods("/api/" + trigger.Route, trigger.Methods!.Select(m => m.ToUpperInvariant()), context => InvokeAsync(method, context));
        await app.StartAsync();
        return new FunctionsHost(app, time, settings);
    }

    private static async Task InvokeAsync(MethodInfo method, HttpContext context)
    {
        var target = context.RequestServices.GetRequiredService(method.DeclaringType!);
        var args = method.GetParameters().Select(p =>
            p.ParameterType == typeof(HttpRequest) ? context.Request :
            p.ParameterType == typeof(CancellationToken) ? context.RequestAborted :
            (object?)context.Request.RouteValues[p.Name!]?.ToString()).ToArray();
        var returned = method.Invoke(target, args);
        var result = returned is Task<IResult> pending ? await pending : (IResult)returned!;
        await result.ExecuteAsync(context);
    }
}
