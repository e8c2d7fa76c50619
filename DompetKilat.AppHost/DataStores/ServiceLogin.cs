using DompetKilat.ServiceDefaults;
namespace DompetKilat.AppHost.DataStores;

/// <summary>
/// The Api and the worker connect to PostgreSQL with a login of their own, never the one that
/// runs the migrations: it may append to the audit trail but never change it (API-CONTRACT §8).
/// The migration service creates it (or sets its password) and grants it the service role.
/// </summary>
internal static class ServiceLogin
{
    public const string UserName = "dompetkilat_app";

    /// <summary>Generated, as the server's own password is; the migrations set it on every run.</summary>
    public static IResourceBuilder<ParameterResource> AddServiceLoginPassword(this IDistributedApplicationBuilder builder) =>
        builder.AddParameter("service-database-password", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true);

    /// <summary>
    /// The migrations make the login with this password and check it. A deployment creates the
    /// login itself (docs/deploy.md), so a published model names it for the check only.
    /// </summary>
    public static IResourceBuilder<ProjectResource> CreatesServiceLogin(this IResourceBuilder<ProjectResource> migrations, IResourceBuilder<ParameterResource> password)
    {
        migrations.WithEnvironment("ServiceLogin__Name", UserName);
        return migrations.ApplicationBuilder.ExecutionContext.IsPublishMode ? migrations : migrations.WithEnvironment("ServiceLogin__Password", password);
    }

    /// <summary>
    /// The product database on the services' login. Npgsql takes the last of a repeated key, so
    /// the database's own connection string with the login's name and password after it is the
    /// same server and database as every other service gets, whichever PostgreSQL resource it is.
    /// </summary>
    /// <remarks>A published model leaves the login to the deployment's connection string, as it does the server.</remarks>
    public static IResourceBuilder<ProjectResource> WithServiceDatabase(
        this IResourceBuilder<ProjectResource> service, IResourceBuilder<IResourceWithConnectionString> database,
        IResourceBuilder<ParameterResource> password) =>
        service.ApplicationBuilder.ExecutionContext.IsPublishMode
            ? service.WithReference(database, ResourceNames.LendingDatabase)
            : service
                .WithEnvironment($"ConnectionStrings__{ResourceNames.LendingDatabase}",
                    ReferenceExpression.Create($"{database.Resource};Username={UserName};Password={password.Resource}"))
                .WithReferenceRelationship(database);
}
