using DompetKilat.AppHost;
using DompetKilat.AppHost.DataStores;
using DompetKilat.ServiceDefaults;
using Microsoft.Extensions.Configuration;

// As deployed (the benchmark's mode): no dashboard and no development proxy between a caller and a
// service, or between a service and PostgreSQL or Redis; neither exists in a deployment.
var asDeployed = new ConfigurationBuilder().AddEnvironmentVariables().AddCommandLine(args).Build()
    .GetValue<bool>("AppHost:AsDeployed");
var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions { Args = args, DisableDashboard = asDeployed });

var fieldEncryptionKey = builder.AddParameter("field-encryption-key", secret: true);
var blindIndexKey = builder.AddParameter("blind-index-key", secret: true);
var (database, redis) = builder.AddDataStores();
var serviceLoginPassword = builder.AddServiceLoginPassword();

var migrations = builder.AddProject<Projects.DompetKilat_MigrationService>("migrations")
    .WithReference(database, ResourceNames.LendingDatabase)
    .WaitFor(database)
    .CreatesServiceLogin(serviceLoginPassword)
    .WithFieldEncryption(fieldEncryptionKey, blindIndexKey);

// Development's stand-in for a partner: LOCAL's notifications go to it, and it verifies and logs
// them. A published model has no partners built in, so no sandbox either.
if (builder.ExecutionContext.IsRunMode)
{
    var sandboxSecret = builder.AddParameter("partner-sandbox-secret", secret: true);
    var sandbox = builder.AddProject<Projects.DompetKilat_PartnerSandbox>("partner-sandbox")
        .WithEnvironment("Sandbox__WebhookSecret", sandboxSecret)
        .WithHttpHealthCheck("/health");
    migrations
        .WithEnvironment("Sandbox__WebhookUrl", ReferenceExpression.Create($"{sandbox.GetEndpoint("http")}/events"))
        .WithEnvironment("Sandbox__WebhookSecret", sandboxSecret);
}

var api = builder.AddProject<Projects.DompetKilat_Api>("api")
    .WithServiceDatabase(database, serviceLoginPassword)
    .WithReference(redis)
    .WaitFor(redis)
    .WaitForCompletion(migrations)
    .WithoutFrameworkForwardedHeaders()
    .WithFieldEncryption(fieldEncryptionKey, blindIndexKey)
    .WithHttpHealthCheck("/health")
    // The back office's own listener: Aspire hands each replica its port in BackOffice__Port.
    .WithHttpEndpoint(name: DeveloperCommands.BackOfficeEndpoint, port: 5110, env: "BackOffice__Port")
    .WithApiReferenceLinks()
    .WithReplicas(builder.Configuration.GetValue("Replicas:Api", 1))
    .WithTraceSampling(builder.Configuration);

// Development accepts unsigned callbacks and the Api refuses to start anywhere else without a
// secret, so a published model must carry one. Its operators sign in at the deployment's OpenID
// Connect issuer; development mints its own tokens (eng/operator-token.sh, the dashboard's commands).
if (builder.ExecutionContext.IsPublishMode)
{
    api.WithEnvironment("Security__CallbackSigningSecrets__0", builder.AddParameter("callback-signing-secret", secret: true))
        .WithEnvironment("BackOffice__Authority", builder.AddParameter("back-office-authority"))
        .WithEnvironment("BackOffice__Audience", builder.AddParameter("back-office-audience"));
}
else
{
    var signingKey = builder.AddParameter(OperatorTokens.SigningKeyParameter, secret: true);
    api.WithEnvironment("BackOffice__SigningKey", signingKey)
        .WithRequeueParkedCallbacksCommand(signingKey)
        .WithRedeliverFailedNotificationsCommand(signingKey)
        .WithMasterKeyRotationCommand(signingKey);
}

// Settings under "Api" in the AppHost's configuration become the Api's own (Api__RateLimits__...),
// so a benchmark, a drill or a test can tune the Api without editing it.
foreach (var setting in ConfigurationExtensions.AsEnumerable(builder.Configuration.GetSection("Api"), makePathsRelative: true))
{
    if (setting.Value is not null)
    {
        api.WithEnvironment(setting.Key.Replace(":", "__", StringComparison.Ordinal), setting.Value);
    }
}

var worker = builder.AddProject<Projects.DompetKilat_CallbackWorker>("callback-worker")
    .WithServiceDatabase(database, serviceLoginPassword)
    .WithReference(redis)
    .WaitFor(redis)
    .WaitForCompletion(migrations)
    .WithoutFrameworkForwardedHeaders()
    .WithFieldEncryption(fieldEncryptionKey, blindIndexKey)
    .WithHttpHealthCheck("/health")
    .WithReplicas(builder.Configuration.GetValue("Replicas:Worker", 1))
    .WithTraceSampling(builder.Configuration);

// Settings under "Worker" become the worker's own, as "Api" settings become the Api's.
foreach (var setting in ConfigurationExtensions.AsEnumerable(builder.Configuration.GetSection("Worker"), makePathsRelative: true))
{
    if (setting.Value is not null)
    {
        worker.WithEnvironment(setting.Key.Replace(":", "__", StringComparison.Ordinal), setting.Value);
    }
}

if (asDeployed)
{
    // A deployment runs Production, so the bench does too: the launch profiles' Development would
    // measure the developer exception page, the service provider's scope checks and Development's
    // exemptions (unsigned callbacks, loopback past the allow-list and the budgets). As deployed,
    // the Api verifies the lender's callbacks with the secret of this parameter (bench.sh chooses
    // one and signs with it). The worker keeps its launch profile's Development: a Production
    // worker delivers only to public https webhooks, and the bench's receiver is on loopback.
    foreach (var service in new IResourceBuilder<IResourceWithEnvironment>[] { migrations, api })
    {
        service.WithEnvironment("ASPNETCORE_ENVIRONMENT", "Production").WithEnvironment("DOTNET_ENVIRONMENT", "Production");
    }
    api.WithEnvironment("Security__CallbackSigningSecrets__0", builder.AddParameter("callback-signing-secret", secret: true));

    foreach (var resource in builder.Resources.OfType<IResourceWithEndpoints>())
    {
        builder.CreateResourceBuilder(resource).WithEndpointProxySupport(false);
    }

    // With no dashboard to receive it, telemetry is still produced but not exported: an exporter
    // retrying an absent endpoint would be measured instead of the service.
    foreach (var resource in builder.Resources.OfType<IResourceWithEnvironment>())
    {
        builder.CreateResourceBuilder(resource).WithEnvironment(context =>
        {
            foreach (var name in context.EnvironmentVariables.Keys.Where(key => key.StartsWith("OTEL_EXPORTER_OTLP_", StringComparison.Ordinal)).ToList())
            {
                context.EnvironmentVariables.Remove(name);
            }
        });
    }
}

builder.Build().Run();
