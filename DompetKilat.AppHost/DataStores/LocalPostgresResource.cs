namespace DompetKilat.AppHost.DataStores;

/// <summary>
/// A PostgreSQL server run from the machine's own binaries by <c>postgres.sh</c>, for machines
/// with no container runtime. Its connection strings have the same shape as Aspire's
/// container resource, so the services cannot tell which one they got.
/// </summary>
internal sealed class LocalPostgresServerResource(string name, string scriptPath, ParameterResource password)
    : ExecutableResource(name, "bash", workingDirectory: ""), IResourceWithConnectionString
{
    public const string UserName = "postgres";

    public EndpointReference PrimaryEndpoint => new(this, "tcp");

    public ParameterResource Password { get; } = password;

    public string ScriptPath { get; } = scriptPath;

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create(
            $"Host={PrimaryEndpoint.Property(EndpointProperty.Host)};Port={PrimaryEndpoint.Property(EndpointProperty.Port)};Username={UserName};Password={Password}");
}

internal sealed class LocalPostgresDatabaseResource(string name, string databaseName, LocalPostgresServerResource parent)
    : Resource(name), IResourceWithParent<LocalPostgresServerResource>, IResourceWithConnectionString
{
    public LocalPostgresServerResource Parent { get; } = parent;

    public string DatabaseName { get; } = databaseName;

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{Parent};Database={DatabaseName}");
}
