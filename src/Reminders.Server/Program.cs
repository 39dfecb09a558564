using Reminders.Server;

// The standalone host: the same API and sweep schedule as the Functions app, for running here or on a clinic's server.
ReminderServer.Create(args).Run();
