namespace AppHost.Hosting;

public enum ResourceState
{
    Waiting,
    Starting,
    Running,
    Restarting,
    Stopping,
    Stopped,
    Failed,
}
