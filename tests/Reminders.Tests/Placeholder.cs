namespace Reminders.Tests; public class Placeholder { [Xunit.Fact] public void Ok() {} }
