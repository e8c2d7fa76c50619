namespace DompetKilat.AppHost;

internal static class ForwardedHeaders
{
    /// <summary>
    /// A published project gets ASPNETCORE_FORWARDEDHEADERS_ENABLED from Aspire, which turns on the
    /// framework's own forwarded-headers step. The Api applies X-Forwarded-For itself, from its
    /// trusted proxies only, and a second step would believe a second hop; the Api refuses to start
    /// with the variable set, so the model never gives it.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithoutFrameworkForwardedHeaders(this IResourceBuilder<ProjectResource> project) =>
        project.WithEnvironment(context => context.EnvironmentVariables.Remove("ASPNETCORE_FORWARDEDHEADERS_ENABLED"));
}
