namespace DompetKilat.AppHost.DataStores;

/// <summary>
/// redis-server from the machine's packages, for machines with no container runtime; its
/// connection string has the shape of Aspire's container resource.
/// </summary>
internal sealed class LocalRedisResource(string name) : ExecutableResource(name, "redis-server", workingDirectory: ""), IResourceWithConnectionString
{
    public EndpointReference PrimaryEndpoint => new(this, "tcp");

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{PrimaryEndpoint.Property(EndpointProperty.HostAndPort)}");
}
