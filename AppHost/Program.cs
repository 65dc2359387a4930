Console.WriteLine("AppHost: orchestrator coming");
