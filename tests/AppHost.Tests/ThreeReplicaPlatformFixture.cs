namespace AppHost.Tests;

/// <summary>TODOSERVICE_REPLICAS=3, with the dashboard: each replica's own telemetry says which tenants it served.</summary>
public sealed class ThreeReplicaPlatformFixture : PlatformFixture
{
    public static readonly string[] Replicas = ["todoservice-0", "todoservice-1", "todoservice-2"];

    // Every request traced: the test sends more than the default 100 traces per second.
    protected override IEnumerable<string> Arguments => ["--TODOSERVICE_REPLICAS=3", "--TRACES_PER_SECOND=0"];

    protected override bool Dashboard => true;
}
