using YamlDotNet.RepresentationModel;

namespace Ebpf.Tests.Examples;

/// <summary>
/// Checks examples/WebAgent's fleet deployment without a cluster: the DaemonSet and collector manifests parse and hold
/// what an eBPF agent needs, and the Dockerfile builds in one stage and runs in another.
/// </summary>
public sealed class WebAgentDeploymentTests
{
    private static readonly string Example = Path.Combine(TestPrograms.RepoRoot, "examples", "WebAgent");

    [Test]
    public void The_daemonset_runs_one_privileged_enough_pod_per_node_with_the_kernel_mounts()
    {
        var daemonSet = Documents("deploy/daemonset.yaml").Single(d => Text(d, "kind") == "DaemonSet");
        Assert.That(Text(daemonSet, "apiVersion"), Is.EqualTo("apps/v1"));
        var spec = Map(daemonSet, "spec");
        var template = Map(spec, "template");
        var labels = Map(Map(template, "metadata"), "labels");
        foreach (var (key, value) in Map(Map(spec, "selector"), "matchLabels").Children)
        {
            Assert.That(Text(labels, ((YamlScalarNode)key).Value!), Is.EqualTo(((YamlScalarNode)value).Value), "the selector matches the pod labels");
        }

        var podSpec = Map(template, "spec");
        Assert.That(Text(podSpec, "hostPID"), Is.EqualTo("true"), "the node's processes");
        var container = (YamlMappingNode)Sequence(podSpec, "containers").Single();
        Assert.That(Text(container, "image"), Is.Not.Empty);

        var security = Map(container, "securityContext");
        var added = security.Children.ContainsKey("capabilities")
            ? Sequence(Map(security, "capabilities"), "add").Select(c => ((YamlScalarNode)c).Value).ToList()
            : [];
        bool privileged = security.Children.ContainsKey("privileged") && Text(security, "privileged") == "true";
        Assert.That(privileged || new[] { "BPF", "PERFMON", "SYS_RESOURCE" }.All(added.Contains), Is.True,
            "CAP_BPF, CAP_PERFMON and CAP_SYS_RESOURCE, or privileged: " + string.Join(", ", added));

        var volumes = Sequence(podSpec, "volumes").Cast<YamlMappingNode>()
            .ToDictionary(v => Text(v, "name"), v => Text(Map(v, "hostPath"), "path"));
        var mounts = Sequence(container, "volumeMounts").Cast<YamlMappingNode>().ToDictionary(m => Text(m, "name"), m => Text(m, "mountPath"));
        foreach (string hostPath in new[] { "/sys/fs/bpf", "/sys/kernel/tracing", "/sys/kernel/btf", "/proc" })
        {
            var volume = volumes.Where(v => v.Value == hostPath).Select(v => v.Key).SingleOrDefault();
            Assert.That(volume, Is.Not.Null, $"a hostPath volume of {hostPath}");
            Assert.That(mounts, Does.ContainKey(volume!), $"volume {volume} ({hostPath}) is mounted");
        }

        var annotations = Map(Map(template, "metadata"), "annotations");
        Assert.That(Text(annotations, "prometheus.io/scrape"), Is.EqualTo("true"));
        Assert.That(Text(annotations, "prometheus.io/path"), Is.EqualTo("/metrics"));
        var port = Sequence(container, "ports").Cast<YamlMappingNode>().Single();
        Assert.That(Text(annotations, "prometheus.io/port"), Is.EqualTo(Text(port, "containerPort")), "Prometheus scrapes the container's port");

        var environment = Sequence(container, "env").Cast<YamlMappingNode>().ToDictionary(e => Text(e, "name"), e => Text(e, "value"));
        Assert.That(environment["Urls"], Does.EndWith(":" + Text(port, "containerPort")), "the agent listens on the container's port");
        Assert.That(environment, Does.ContainKey("WebAgent__OtlpEndpoint"));
        foreach (string probe in new[] { "readinessProbe", "livenessProbe" })
        {
            Assert.That(Text(Map(Map(container, probe), "httpGet"), "path"), Is.EqualTo("/healthz"), probe);
        }
    }

    [Test]
    public void The_collector_receives_otlp_metrics_where_the_agents_send_them()
    {
        var documents = Documents("deploy/otel-collector.yaml");
        var configMap = documents.Single(d => Text(d, "kind") == "ConfigMap");
        var config = new YamlStream();
        config.Load(new StringReader(Text(Map(configMap, "data"), "config.yaml")));
        var root = (YamlMappingNode)config.Documents.Single().RootNode;
        var grpc = Map(Map(Map(Map(root, "receivers"), "otlp"), "protocols"), "grpc");
        Assert.That(Text(grpc, "endpoint"), Does.EndWith(":4317"));
        var metrics = Map(Map(Map(root, "service"), "pipelines"), "metrics");
        Assert.That(Sequence(metrics, "receivers").Select(r => ((YamlScalarNode)r).Value), Does.Contain("otlp"));
        var exporters = Map(root, "exporters");
        foreach (var exporter in Sequence(metrics, "exporters"))
        {
            Assert.That(exporters.Children.ContainsKey(exporter), Is.True, $"exporter {exporter} is defined");
        }

        var service = documents.Single(d => Text(d, "kind") == "Service");
        string endpoint = Documents("deploy/daemonset.yaml").Single(d => Text(d, "kind") == "DaemonSet")
            .AllNodes.OfType<YamlMappingNode>().Where(n => n.Children.ContainsKey("name") && Text(n, "name") == "WebAgent__OtlpEndpoint")
            .Select(n => Text(n, "value")).Single();
        var uri = new Uri(endpoint);
        Assert.That(uri.Host, Does.StartWith(Text(Map(service, "metadata"), "name") + "." + Text(Map(service, "metadata"), "namespace")));
        Assert.That(Sequence(Map(service, "spec"), "ports").Cast<YamlMappingNode>().Select(p => Text(p, "port")), Does.Contain(uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Test]
    public void The_dockerfile_builds_with_the_sdk_and_runs_on_the_aspnet_runtime()
    {
        var lines = File.ReadAllLines(Path.Combine(Example, "Dockerfile")).Where(l => !l.TrimStart().StartsWith('#')).ToList();
        var stages = lines.Where(l => l.StartsWith("FROM ", StringComparison.Ordinal)).ToList();
        Assert.That(stages, Has.Count.EqualTo(2));
        Assert.That(stages[0], Does.Contain("dotnet/sdk:10.0").And.Contain(" AS build"));
        Assert.That(stages[1], Does.Contain("dotnet/aspnet:10.0"));
        Assert.That(lines, Has.Some.Contains("clang-14").And.Some.Contains("libbpf-dev"), "the build compiles webagent.bpf.c");
        Assert.That(lines, Has.Some.Contains("dotnet publish examples/WebAgent/WebAgent.csproj"));
        Assert.That(lines, Has.Some.StartsWith("COPY --from=build"));
        Assert.That(lines, Has.Some.EqualTo("ENTRYPOINT [\"dotnet\", \"WebAgent.dll\"]"));
        Assert.That(File.ReadAllText(Path.Combine(TestPrograms.RepoRoot, ".dockerignore")), Does.Contain("**/bin/").And.Contain("**/obj/"));
    }

    private static List<YamlMappingNode> Documents(string relativePath)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(Example, relativePath)))
        {
            stream.Load(reader);
        }

        return stream.Documents.Select(d => (YamlMappingNode)d.RootNode).ToList();
    }

    private static YamlMappingNode Map(YamlMappingNode node, string key) => (YamlMappingNode)Child(node, key);

    private static YamlSequenceNode Sequence(YamlMappingNode node, string key) => (YamlSequenceNode)Child(node, key);

    private static string Text(YamlMappingNode node, string key) => ((YamlScalarNode)Child(node, key)).Value ?? "";

    private static YamlNode Child(YamlMappingNode node, string key)
    {
        Assert.That(node.Children.TryGetValue(new YamlScalarNode(key), out var child), Is.True, $"'{key}' is missing at line {node.Start.Line}");
        return child!;
    }
}
