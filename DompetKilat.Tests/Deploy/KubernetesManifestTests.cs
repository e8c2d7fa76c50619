using System.Text.Json.Nodes;

namespace DompetKilat.Tests.Deploy;

/// <summary>
/// The Kubernetes objects in deploy/k8s, checked offline: they render and validate, they give each
/// container what the AppHost gives the same service (so the two cannot drift apart), and they
/// keep the hardening and network boundaries docs/deploy.md promises.
/// </summary>
public sealed class KubernetesManifestTests(RenderedDeployment rendered) : IClassFixture<RenderedDeployment>
{
    /// <summary>Which AppHost resource each container runs.</summary>
    private static readonly Dictionary<string, string> ServiceOfContainer = new()
    {
        ["api"] = "api",
        ["callback-worker"] = "callback-worker",
        ["migrations"] = "migrations",
        ["wait-for-schema"] = "migrations",
    };

    /// <summary>
    /// Settings a cluster gives that the AppHost does not put in its manifest, each read by the
    /// services: what the development orchestrator injects at run time (the OpenTelemetry
    /// exporter and service name, the sampler TelemetrySampling sets), the production caller
    /// settings of the README, and the migration service's wait mode.
    /// </summary>
    private static readonly HashSet<string> ClusterOnlySettings =
    [
        "OTEL_SERVICE_NAME", "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_PROTOCOL",
        "OTEL_TRACES_SAMPLER", "OTEL_TRACES_SAMPLER_ARG",
        "Security__CallbackAllowList__0", "Security__TrustedProxies__0",
        "Migrations__Mode",
    ];

    /// <summary>nginx variables that hold what the caller wrote in its request line or body (the path, the query, or both).</summary>
    private static readonly string[] CallerTextVariables = ["request", "request_uri", "uri", "document_uri", "args", "query_string", "request_body"];

    /// <summary>The Secret that holds each connection string, under the connection's name.</summary>
    private const string ConnectionsSecret = "dompetkilat-connections";

    /// <summary>The Secret that holds the AppHost's secret parameters, under each parameter's name.</summary>
    private const string ParametersSecret = "dompetkilat-secrets";

    [Fact]
    public void Render_script_publishes_the_manifest_and_every_overlay_validates()
    {
        Assert.True(rendered.ExitCode == 0, $"deploy/render.sh failed:{Environment.NewLine}{rendered.Log}");
        Assert.Equal(["managed", "self-hosted"], rendered.Overlays.Keys.Order(StringComparer.Ordinal));
        Assert.All(rendered.Overlays.Values, objects => Assert.NotEmpty(objects));
        var resources = rendered.Manifest["resources"]!.AsObject();
        // Publish mode describes the standard container resources, not the local executables.
        Assert.Equal("container.v0", (string?)resources["postgres"]!["type"]);
        Assert.Equal("container.v0", (string?)resources["redis"]!["type"]);
        Assert.All(new[] { "field-encryption-key", "blind-index-key", "callback-signing-secret" },
            secret => Assert.True((bool?)resources[secret]?["inputs"]?["value"]?["secret"], $"{secret} is not a secret parameter"));
    }

    [Fact]
    public void Every_container_gets_the_settings_the_AppHost_gives_its_service()
    {
        Assert.Equal(0, rendered.ExitCode);
        var resources = rendered.Manifest["resources"]!.AsObject();
        var problems = new List<string>();
        foreach (var (overlay, objects) in rendered.Overlays)
        {
            foreach (var (workload, container, isInit) in Containers(objects).Where(c => ServiceOfContainer.ContainsKey(c.Container.Name)))
            {
                var where = $"{overlay}: {workload} container {container.Name}";
                var service = ServiceOfContainer[container.Name];
                var appHostEnv = ServiceSettings(resources, service);
                var clusterEnv = container.Env(objects);

                var required = isInit ? appHostEnv.Keys.Where(k => k.StartsWith("ConnectionStrings__", StringComparison.Ordinal)) : appHostEnv.Keys;
                problems.AddRange(required.Where(k => !clusterEnv.ContainsKey(k)).Select(k => $"{where} lacks {k}, which the AppHost gives {service}"));
                problems.AddRange(clusterEnv.Keys.Where(k => !appHostEnv.ContainsKey(k) && !ClusterOnlySettings.Contains(k))
                    .Select(k => $"{where} sets {k}, which {service} is not given by the AppHost"));

                foreach (var (name, appHostValue) in appHostEnv.Where(e => clusterEnv.ContainsKey(e.Key)))
                {
                    var expected = ExpectedSource(resources, name, appHostValue, container, clusterEnv[name]);
                    if (expected != clusterEnv[name])
                    {
                        problems.Add($"{where}: {name} comes from {clusterEnv[name]}, expected {expected}");
                    }
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void Workloads_run_hardened_with_probes_budgets_and_spread()
    {
        Assert.Equal(0, rendered.ExitCode);
        var problems = new List<string>();
        foreach (var (overlay, objects) in rendered.Overlays)
        {
            Assert.DoesNotContain(objects, o => (string?)o["kind"] == "Secret");
            foreach (var workload in objects.Where(o => (string?)o["kind"] is "Deployment" or "StatefulSet" or "Job"))
            {
                var name = $"{overlay}: {workload["kind"]} {workload["metadata"]!["name"]}";
                var pod = workload["spec"]!["template"]!["spec"]!;
                Require(problems, (bool?)pod["automountServiceAccountToken"] == false, $"{name} mounts a service-account token");
                Require(problems, (bool?)pod["securityContext"]?["runAsNonRoot"] == true, $"{name} may run as root");
                foreach (var container in PodContainers(pod))
                {
                    var security = container["securityContext"];
                    Require(problems, (bool?)security?["readOnlyRootFilesystem"] == true, $"{name}/{container["name"]} has a writable root filesystem");
                    Require(problems, (bool?)security?["allowPrivilegeEscalation"] == false, $"{name}/{container["name"]} may escalate privileges");
                    Require(problems, container["resources"]?["requests"]?["memory"] is not null && container["resources"]?["limits"]?["memory"] is not null,
                        $"{name}/{container["name"]} has no memory request and limit");
                }
            }

            foreach (var service in new[] { "api", "callback-worker" })
            {
                var deployment = objects.Single(o => (string?)o["kind"] == "Deployment" && (string?)o["metadata"]!["name"] == service);
                var pod = deployment["spec"]!["template"]!["spec"]!;
                var container = pod["containers"]!.AsArray().Single(c => (string?)c!["name"] == service)!;
                Require(problems, (string?)container["readinessProbe"]?["httpGet"]?["path"] == "/health", $"{overlay}: {service} is not ready by /health");
                Require(problems, (string?)container["livenessProbe"]?["httpGet"]?["path"] == "/alive", $"{overlay}: {service} is not kept alive by /alive");
                Require(problems, container["startupProbe"] is not null, $"{overlay}: {service} has no startup probe");
                Require(problems, pod["topologySpreadConstraints"]!.AsArray().Any(t => (string?)t!["topologyKey"] == "kubernetes.io/hostname"),
                    $"{overlay}: {service} is not spread across nodes");
                // The host's default shutdown timeout is 30 s; the pod must be given longer to use it.
                Require(problems, (int?)pod["terminationGracePeriodSeconds"] > 30, $"{overlay}: {service} is killed before it can finish shutting down");
                Require(problems, objects.Any(o => (string?)o["kind"] == "PodDisruptionBudget"
                    && (string?)o["spec"]!["selector"]!["matchLabels"]!["app.kubernetes.io/name"] == service), $"{overlay}: {service} has no disruption budget");
                Require(problems, (string?)pod["initContainers"]?[0]?["name"] == "wait-for-schema", $"{overlay}: {service} does not wait for the migrations");
            }

            Require(problems, objects.Any(o => (string?)o["kind"] == "HorizontalPodAutoscaler" && (string?)o["spec"]!["scaleTargetRef"]!["name"] == "api"),
                $"{overlay}: the Api does not scale");
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void Only_the_ingress_reaches_the_Api_and_only_the_services_reach_the_data_stores()
    {
        Assert.Equal(0, rendered.ExitCode);
        foreach (var (overlay, objects) in rendered.Overlays)
        {
            var policies = objects.Where(o => (string?)o["kind"] == "NetworkPolicy").ToList();
            Assert.Contains(policies, p => p["spec"]!["podSelector"]!.AsObject().Count == 0
                && p["spec"]!["ingress"] is null && p["spec"]!["policyTypes"]!.AsArray().Any(t => (string?)t == "Ingress"));
            // The partners' port; the back office's has a policy of its own (The_back_office_has_its_own_Service_no_Ingress_and_admits_only_operators).
            var toApi = policies.Where(p => (string?)p["spec"]!["podSelector"]!["matchLabels"]?["app.kubernetes.io/name"] == "api"
                && p["spec"]!["ingress"]!.AsArray().Any(rule => rule!["ports"]!.AsArray().Any(port => port!["port"]?.ToString() == "8080"))).ToList();
            var apiSources = Assert.Single(Assert.Single(toApi)["spec"]!["ingress"]!.AsArray())!["from"]!.AsArray();
            Assert.Equal("ingress-nginx", (string?)Assert.Single(apiSources)!["namespaceSelector"]!["matchLabels"]!["kubernetes.io/metadata.name"]);

            // The pods that carry the data-access label are exactly the services and the migration Job.
            var dataAccess = objects.Where(o => (string?)o["spec"]?["template"]?["metadata"]?["labels"]?["dompetkilat.io/data-access"] == "true")
                .Select(o => (string?)o["metadata"]!["name"]).Order(StringComparer.Ordinal);
            Assert.Equal(["api", "callback-worker", "migrations"], dataAccess);
            if (overlay == "self-hosted")
            {
                foreach (var store in new[] { "cnpg.io/cluster", "app.kubernetes.io/name" }.Zip(["dompetkilat-pg", "redis"]))
                {
                    var policy = Assert.Single(policies, p => (string?)p["spec"]!["podSelector"]!["matchLabels"]?[store.First] == store.Second);
                    var fromPods = policy["spec"]!["ingress"]!.AsArray().SelectMany(rule => rule!["from"]!.AsArray())
                        .Select(source => source!["podSelector"]?["matchLabels"]?.ToJsonString()).OfType<string>();
                    Assert.Contains("""{"dompetkilat.io/data-access":"true"}""", fromPods);
                    Assert.DoesNotContain(fromPods, labels => labels.Contains("\"app.kubernetes.io/name\"", StringComparison.Ordinal));
                }
            }
        }
    }

    [Fact]
    public void Forwarded_headers_are_the_Apis_own_and_the_worker_reaches_only_public_HTTPS()
    {
        Assert.Equal(0, rendered.ExitCode);
        foreach (var (overlay, objects) in rendered.Overlays)
        {
            Assert.All(Containers(objects), c => Assert.False(c.Container.Env(objects).ContainsKey("ASPNETCORE_FORWARDEDHEADERS_ENABLED"),
                $"{overlay}: {c.Workload} turns on the framework's forwarded headers, a second hop"));
            var api = Assert.Single(Containers(objects), c => c.Container.Name == "api").Container.Env(objects);
            var proxies = api.Where(e => e.Key.StartsWith("Security__TrustedProxies__", StringComparison.Ordinal)).Select(e => e.Value["value ".Length..]).ToList();
            Assert.NotEmpty(proxies);
            // The ingress controller's pool, not the cluster's pod network: any pod there could otherwise speak for a caller.
            Assert.All(proxies, proxy => Assert.True(System.Net.IPNetwork.Parse(proxy).PrefixLength >= 24, $"{overlay}: trusted proxies {proxy} is wider than the ingress controller's pool"));
            var egress = Assert.Single(objects, o => (string?)o["kind"] == "NetworkPolicy"
                && (string?)o["spec"]!["podSelector"]!["matchLabels"]?["app.kubernetes.io/name"] == "callback-worker"
                && o["spec"]!["policyTypes"]!.AsArray().Any(t => (string?)t == "Egress"));
            var toAddresses = egress["spec"]!["egress"]!.AsArray().Where(rule => rule!["to"]?.AsArray().Any(t => t!["ipBlock"] is not null) == true).ToList();
            var rule = Assert.Single(toAddresses)!;
            Assert.Equal([443], rule["ports"]!.AsArray().Select(p => (int)p!["port"]!));
            var closed = rule["to"]!.AsArray().SelectMany(t => t!["ipBlock"]!["except"]!.AsArray()).Select(c => (string)c!).ToHashSet();
            Assert.Superset(new HashSet<string> { "10.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7", "64:ff9b::/96", "2002::/16", "2001::/32" }, closed);
        }
    }

    /// <summary>
    /// The ingress controller's access log: its default format writes the request line and the
    /// referer, and a profile read's path is its NIK. Nothing the caller wrote may be logged.
    /// </summary>
    [Fact]
    public void The_ingress_access_log_holds_no_path_query_or_referer()
    {
        Assert.Equal(0, rendered.ExitCode);
        var config = Assert.Single(rendered.IngressController, o => (string?)o["kind"] == "ConfigMap");
        Assert.Equal("ingress-nginx", (string?)config["metadata"]!["namespace"]);
        var format = (string?)config["data"]!["log-format-upstream"];
        Assert.False(string.IsNullOrWhiteSpace(format), "no log-format-upstream: the controller would log its default format, request line included");
        // $name or ${name}; a name ends at the first character that is not a letter, digit or underscore.
        var variables = format.Split('$').Skip(1)
            .Select(v => new string([.. v.TrimStart('{').TakeWhile(c => char.IsAsciiLetterOrDigit(c) || c == '_')]))
            .ToList();
        Assert.Contains("status", variables);
        Assert.Contains("req_id", variables);
        Assert.DoesNotContain(variables, v => CallerTextVariables.Contains(v)
            || v.StartsWith("arg_", StringComparison.Ordinal) || v.StartsWith("cookie_", StringComparison.Ordinal) || v.StartsWith("http_", StringComparison.Ordinal));
        foreach (var (overlay, objects) in rendered.Overlays)
        {
            var ingress = Assert.Single(objects, o => (string?)o["kind"] == "Ingress");
            Assert.True((string?)ingress["spec"]!["ingressClassName"] == "nginx", $"{overlay}: the Ingress is not served by the controller this format is for");
        }
    }

    /// <summary>
    /// The back office listens apart (API-CONTRACT §10): a Service of its own on the back-office
    /// port, which no Ingress routes to, and a NetworkPolicy admitting that port to the operators'
    /// namespace and VPN range only, not to the public ingress controller.
    /// </summary>
    [Fact]
    public void The_back_office_has_its_own_Service_no_Ingress_and_admits_only_operators()
    {
        Assert.Equal(0, rendered.ExitCode);
        foreach (var (overlay, objects) in rendered.Overlays)
        {
            var api = Assert.Single(Containers(objects), c => c.Container.Name == "api").Container;
            var port = api.Port("backoffice");
            Assert.True(port is not null && port != api.HttpPort, $"{overlay}: the Api has no back-office port of its own");
            Assert.Equal($"value {port}", api.Env(objects)["BackOffice__Port"]);

            var service = Assert.Single(objects, o => (string?)o["kind"] == "Service" && (string?)o["metadata"]!["name"] == "api-back-office");
            Assert.Equal(["backoffice"], service["spec"]!["ports"]!.AsArray().Select(p => (string?)p!["targetPort"]));
            Assert.All(objects.Where(o => (string?)o["kind"] == "Service" && (string?)o["metadata"]!["name"] != "api-back-office"),
                other => Assert.DoesNotContain(other["spec"]!["ports"]!.AsArray(), p => (string?)p!["targetPort"] == "backoffice" || p!["targetPort"]?.ToString() == port));
            var backends = objects.Where(o => (string?)o["kind"] == "Ingress")
                .SelectMany(i => i["spec"]!["rules"]!.AsArray().SelectMany(r => r!["http"]!["paths"]!.AsArray()))
                .Select(p => (string?)p!["backend"]!["service"]!["name"]);
            Assert.DoesNotContain("api-back-office", backends);

            var admitting = objects.Where(o => (string?)o["kind"] == "NetworkPolicy"
                    && (string?)o["spec"]!["podSelector"]?["matchLabels"]?["app.kubernetes.io/name"] == "api")
                .SelectMany(o => o["spec"]!["ingress"]?.AsArray() ?? [])
                .Where(rule => rule!["ports"]?.AsArray().Any(p => p!["port"]?.ToString() == port) == true)
                .ToList();
            var rule = Assert.Single(admitting);
            var sources = rule!["from"]!.AsArray();
            Assert.Contains(sources, s => (string?)s!["namespaceSelector"]?["matchLabels"]?["kubernetes.io/metadata.name"] == "dompetkilat-operators");
            Assert.Contains(sources, s => s!["ipBlock"] is not null);
            Assert.DoesNotContain(sources, s => (string?)s!["namespaceSelector"]?["matchLabels"]?["kubernetes.io/metadata.name"] == "ingress-nginx");
        }
    }

    /// <summary>
    /// What the AppHost gives a service, from its manifest: every variable except the per-connection
    /// properties Aspire adds for clients in other languages (DOMPETKILAT_HOST, REDIS_URI...), which
    /// the .NET services never read; they read ConnectionStrings__*.
    /// </summary>
    private static Dictionary<string, string> ServiceSettings(JsonObject resources, string service)
    {
        var env = resources[service]!["env"]!.AsObject();
        var connections = env.Select(e => e.Key).Where(k => k.StartsWith("ConnectionStrings__", StringComparison.Ordinal))
            .Select(k => k["ConnectionStrings__".Length..].ToUpperInvariant() + "_").ToList();
        return env.Where(e => !connections.Any(c => e.Key.StartsWith(c, StringComparison.Ordinal)))
            .ToDictionary(e => e.Key, e => (string)e.Value!);
    }

    /// <summary>How the cluster must supply a setting the AppHost gives as <paramref name="appHostValue"/>.</summary>
    private static string ExpectedSource(JsonObject resources, string name, string appHostValue, ContainerSpec container, string supplied)
    {
        if (name.StartsWith("ConnectionStrings__", StringComparison.Ordinal))
        {
            // The migration Job alone connects as the owner; every other container on the services' own login.
            var connection = name["ConnectionStrings__".Length..];
            return $"secret {ConnectionsSecret}/{connection}{(container.Name == "migrations" && connection == "dompetkilat" ? "-owner" : "")}";
        }

        if (appHostValue.StartsWith('{') && appHostValue.EndsWith(".value}", StringComparison.Ordinal))
        {
            var parameter = appHostValue[1..^".value}".Length];
            // A parameter that is not secret (the operators' issuer) is the deployment's to name, in a ConfigMap.
            return (bool?)resources[parameter]?["inputs"]?["value"]?["secret"] == true
                ? $"secret {ParametersSecret}/{parameter}"
                : supplied.StartsWith("value ", StringComparison.Ordinal) ? supplied : $"a value the deployment names for {parameter}";
        }

        // The AppHost leaves the ports to the deployment; the container must listen where its probes and Services look.
        return name switch
        {
            "HTTP_PORTS" => $"value {container.HttpPort}",
            "BackOffice__Port" => $"value {container.Port("backoffice")}",
            _ => $"value {appHostValue}",
        };
    }

    private static IEnumerable<(string Workload, ContainerSpec Container, bool IsInit)> Containers(List<JsonObject> objects) =>
        from workload in objects
        where (string?)workload["kind"] is "Deployment" or "StatefulSet" or "Job"
        let pod = workload["spec"]!["template"]!["spec"]!
        from container in PodContainers(pod)
        select ($"{workload["kind"]} {workload["metadata"]!["name"]}", new ContainerSpec(container.AsObject()),
            pod["initContainers"]?.AsArray().Contains(container) == true);

    private static IEnumerable<JsonNode> PodContainers(JsonNode pod) =>
        (pod["initContainers"]?.AsArray() ?? []).Concat(pod["containers"]!.AsArray()).OfType<JsonNode>();

    private static void Require(List<string> problems, bool condition, string problem)
    {
        if (!condition)
        {
            problems.Add(problem);
        }
    }

    private sealed record ContainerSpec(JsonObject Node)
    {
        public string Name => (string)Node["name"]!;

        public string? HttpPort => Port("http");

        public string? Port(string name) => Node["ports"]?.AsArray().FirstOrDefault(p => (string?)p!["name"] == name)?["containerPort"]?.ToString();

        /// <summary>Each variable and where it comes from: a literal value, a Secret's key, or a ConfigMap's key.</summary>
        public Dictionary<string, string> Env(List<JsonObject> objects)
        {
            var env = new Dictionary<string, string>();
            foreach (var entry in Node["env"]?.AsArray() ?? [])
            {
                var secret = entry!["valueFrom"]?["secretKeyRef"];
                env[(string)entry["name"]!] = secret is not null
                    ? $"secret {secret["name"]}/{secret["key"]}"
                    : entry["valueFrom"] is { } other ? $"reference {other.ToJsonString()}" : $"value {entry["value"]}";
            }

            foreach (var source in Node["envFrom"]?.AsArray() ?? [])
            {
                var configMapName = (string?)source!["configMapRef"]?["name"];
                var configMap = objects.Single(o => (string?)o["kind"] == "ConfigMap" && (string?)o["metadata"]!["name"] == configMapName);
                foreach (var key in configMap["data"]!.AsObject())
                {
                    env[key.Key] = $"value {key.Value}";
                }
            }

            return env;
        }
    }
}
