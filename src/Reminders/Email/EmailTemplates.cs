using System.Text.Encodings.Web;
using Fluid;

namespace Reminders.Email;

/// <summary>
/// The Liquid templates shipped in Email/Templates. The HTML ones render with an HTML encoder, so every value —
/// a clinic name, a patient's first name — is encoded; the text one renders values as they are.
/// </summary>
public sealed class EmailTemplates
{
    private static readonly FluidParser Parser = new();
    private readonly IFluidTemplate _reminderHtml = Parse("Reminder.html.liquid");
    private readonly IFluidTemplate _reminderText = Parse("Reminder.txt.liquid");
    private readonly IFluidTemplate _patientPage = Parse("PatientPage.html.liquid");

    public string ReminderHtml(IReadOnlyDictionary<string, string?> values) => Render(_reminderHtml, values, HtmlEncoder.Default);
    public string ReminderText(IReadOnlyDictionary<string, string?> values) => Render(_reminderText, values, NullEncoder.Default);
    /// <summary>A clinic-branded page a patient reaches from an email link (unsubscribe, check-in).</summary>
    public string PatientPage(IReadOnlyDictionary<string, string?> values) => Render(_patientPage, values, HtmlEncoder.Default);

    private static string Render(IFluidTemplate template, IReadOnlyDictionary<string, string?> values, TextEncoder encoder)
    {
        var context = new TemplateContext();
        foreach (var (name, value) in values) context.SetValue(name, value ?? "");
        return template.Render(context, encoder);
    }

    private static IFluidTemplate Parse(string name)
    {
        using var stream = typeof(EmailTemplates).Assembly.GetManifestResourceStream("Reminders.Templates." + name)
                           ?? throw new InvalidOperationException($"Email template {name} is not embedded.");
        using var reader = new StreamReader(stream);
        return Parser.TryParse(reader.ReadToEnd(), out var template, out var error)
            ? template
            : throw new InvalidOperationException($"Email template {name} does not parse: {error}");
    }
}
