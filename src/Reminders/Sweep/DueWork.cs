using Reminders.Clinics;
using Reminders.Plan;

namespace Reminders.Sweep;

/// <summary>One due reminder to settle, with its clinic.</summary>
public sealed record DueWork(DueEntity Due, Clinic Clinic);
