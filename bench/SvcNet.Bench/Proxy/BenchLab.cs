using System.Globalization;
using System.Net;
using k8s;
using k8s.Models;
using SvcNet.Exec;
using SvcNet.Exec.Ip;
using SvcNet.Kubelet.Pods;
using SvcNet.Lab;
using SvcNet.Lab.Cluster;
using SvcNet.Lab.Supervision;

namespace SvcNet.Bench.Proxy;

/// <summary>
/// A whole 3-node lab for scenario benchmarks, brought up as `svcnet lab up` brings one up (apiserver, a kubelet
/// and a kube-proxy per node, real CNI), under a name starting svct-bench. Pods are ordinary Pods the kubelets
/// run. <see cref="DisposeAsync"/> runs `lab down`.
/// </summary>
public sealed class BenchLab : IAsyncDisposable
{
    private readonly LabController _controller;

    private BenchLab(string svcnet)
    {
        Binary = svcnet;
        Config = new LabConfig
        {
            Name = "svct-bench-p" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
            RootDirectory = Directory.CreateTempSubdirectory("svct-bench-").FullName,
        };
        Topology = LabTopology.From(Config);
        _controller = new LabController(new IpTool(ProcessRunner.Default)) { ComponentStartTimeout = TimeSpan.FromSeconds(90) };
        Supervisor = _controller.Supervisor(Config.Layout);
    }

    public string Binary { get; }

    /// <summary>The lab's configuration as `lab up` recorded it (with the API server's port it picked).</summary>
    public LabConfig Config { get; private set; }

    public LabTopology Topology { get; }
    public ComponentSupervisor Supervisor { get; }
    public IKubernetes Client { get; private set; } = null!;

    public static async Task<BenchLab> StartAsync(string svcnet)
    {
        var lab = new BenchLab(svcnet);
        try
        {
            var up = await lab._controller.UpAsync(lab.Config, LabCluster.Stages(svcnet)).ConfigureAwait(false);
            if (!up.Succeeded)
            {
                throw new InvalidOperationException($"lab up failed at {up.FailedStep}: {up.Error}");
            }
            lab.Config = await LabController.LoadConfigAsync(lab.Config.Layout).ConfigureAwait(false);
            lab.Client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(lab.Config.Layout.KubeconfigFile));
            return lab;
        }
        catch
        {
            await lab.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public static ComponentId ProxyId(string node) => new(ComponentId.KubeProxy, node);

    /// <summary>
    /// Restarts every node's proxy with the lab's flags plus <paramref name="extraArgs"/> (a later flag wins) and
    /// waits for /healthz 200 inside each node.
    /// </summary>
    public async Task StartProxiesAsync(params string[] extraArgs)
    {
        foreach (var node in Topology.Nodes)
        {
            if ((await Supervisor.CheckAsync(ProxyId(node.Name)).ConfigureAwait(false)).IsRunning)
            {
                await Supervisor.StopAsync(ProxyId(node.Name), TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            }
            var proxy = LabComponents.Proxy(Config, node, Binary);
            await Supervisor.StartAsync(proxy with { Args = [.. proxy.Args, .. extraArgs] }).ConfigureAwait(false);
        }
        foreach (var node in Topology.Nodes)
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
            while (await Http.StatusAsync(node.Namespace, new IPEndPoint(IPAddress.Loopback, LabComponents.ProxyHealthzPort), "/healthz").ConfigureAwait(false) != 200)
            {
                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"kube-proxy@{node.Name} not healthy after 90s; see {Config.Layout.LogFile(ProxyId(node.Name))}");
                }
                await Task.Delay(100).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The pid of a running component (for /proc readings).</summary>
    public async Task<int> PidOfAsync(ComponentId id) =>
        (await Supervisor.CheckAsync(id).ConfigureAwait(false)).Pid ?? throw new InvalidOperationException($"{id} is not running");

    /// <summary>
    /// Creates an `agnhost netexec` Pod (HTTP on 8080) pinned to <paramref name="node"/>, waits until its kubelet
    /// runs it and it answers, and returns its network namespace and address.
    /// </summary>
    public async Task<(string Netns, IPAddress IP)> StartPodAsync(string name, LabNodeInfo node, Dictionary<string, string> labels)
    {
        await Client.CoreV1.CreateNamespacedPodAsync(new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = name, Labels = labels },
            Spec = new V1PodSpec
            {
                NodeSelector = new Dictionary<string, string> { ["kubernetes.io/hostname"] = node.Name },
                TerminationGracePeriodSeconds = 1,
                Containers =
                [
                    new V1Container
                    {
                        Name = "agnhost", Image = "registry.k8s.io/e2e-test-images/agnhost:2.53",
                        Args = ["netexec", "--http-port=8080", "--udp-port=-1"], Ports = [new V1ContainerPort { ContainerPort = 8080 }],
                    },
                ],
            },
        }, "default").ConfigureAwait(false);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var pod = await Client.CoreV1.ReadNamespacedPodAsync(name, "default").ConfigureAwait(false);
            if (pod.Status?.Phase == "Running" && pod.Status.PodIP is { } podIP
                && pod.Status.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true)
            {
                var ip = IPAddress.Parse(podIP);
                if (await Http.StatusAsync(node.Namespace, new IPEndPoint(ip, 8080), "/healthz").ConfigureAwait(false) == 200)
                {
                    return (PodNaming.NetnsName(node.Namespace, pod), ip);
                }
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"pod {name} is not running and answering on 8080 after 60s (phase {pod.Status?.Phase})");
            }
            await Task.Delay(100).ConfigureAwait(false);
        }
    }

    /// <summary>Where to copy the lab's logs before it is removed (null: nowhere).</summary>
    public string? KeepLogsIn { get; set; }

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        if (KeepLogsIn is { } keep && Directory.Exists(Config.Layout.LabDirectory))
        {
            foreach (var log in Directory.EnumerateFiles(Config.Layout.LabDirectory, "*.log", SearchOption.AllDirectories))
            {
                var target = Path.Combine(keep, Path.GetRelativePath(Config.Layout.LabDirectory, log));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(log, target, overwrite: true);
            }
        }
        await _controller.DownAsync(Config.Layout, TimeSpan.FromSeconds(3)).ConfigureAwait(false);
        if (Directory.Exists(Config.RootDirectory))
        {
            Directory.Delete(Config.RootDirectory, recursive: true);
        }
    }
}
