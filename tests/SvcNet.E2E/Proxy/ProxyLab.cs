using System.Net;
using SvcNet.E2E.Lab;
using SvcNet.Exec;
using SvcNet.Exec.Ip;
using SvcNet.Lab;
using SvcNet.Lab.Cluster;
using SvcNet.Lab.Supervision;
using SvcNet.Proxy.IpTables;

namespace SvcNet.E2E.Proxy;

/// <summary>
/// The proxy's end-to-end lab: a whole 3-node lab brought up by <c>svcnet lab up</c> (apiserver, a kubelet and
/// a kube-proxy per node, real CNI), with the packet-flow workload deployed as ordinary Pods that the kubelets
/// run (<see cref="ProxyLab.StartPodAsync"/>). Tests restart a proxy or the API server the way `lab up` started
/// them (same flags, same pid and log files), through the lab's <see cref="ComponentSupervisor"/>.
/// Disposing runs <c>svcnet lab down</c>, also when a test failed.
/// </summary>
public sealed partial class ProxyLab() : LabFixture($"svct-px-p{Environment.ProcessId}", nodes: NodeCount)
{
    public const int NodeCount = 3;

    /// <summary>The lab's configuration as `lab up` recorded it (ports, ranges, proxy mode).</summary>
    public LabConfig Config { get; private set; } = null!;

    public ComponentSupervisor Supervisor { get; private set; } = null!;

    public static readonly ComponentId ApiServerId = new(ComponentId.ApiServer);

    public static ComponentId ProxyId(string node) => new(ComponentId.KubeProxy, node);

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        try
        {
            Config = await LabController.LoadConfigAsync(Layout);
            Supervisor = new LabController(new IpTool(ProcessRunner.Default)).Supervisor(Layout);
            foreach (var node in Topology.Nodes)
            {
                await WaitProxyHealthyAsync(node.Name);
            }
            await DeployWorkloadAsync();
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    /// <summary>`svcnet apiserver` exactly as `lab up` runs it.</summary>
    public ComponentConfig ApiServerComponent() => LabComponents.ApiServer(Config, Svcnet);

    /// <summary>`svcnet proxy` for a node exactly as `lab up` runs it.</summary>
    public ComponentConfig ProxyComponent(string node) => LabComponents.Proxy(Config, Topology.FindNode(node)!, Svcnet);

    /// <summary>Waits until the proxy of <paramref name="node"/> answers /healthz 200 (it has synced) from inside its node.</summary>
    public async Task WaitProxyHealthyAsync(string node)
    {
        var ns = Topology.FindNode(node)!.Namespace;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            if (await Task.Run(() => LabHttp.TryGet(ns, new IPEndPoint(IPAddress.Loopback, LabComponents.ProxyHealthzPort), "/healthz", TimeSpan.FromSeconds(1)))
                is { StatusCode: 200 })
            {
                return;
            }
            var status = await Supervisor.CheckAsync(ProxyId(node));
            Assert.True(status.IsRunning, $"kube-proxy@{node} is not running:\n{ProxyLog(node)}");
            Assert.True(DateTime.UtcNow < deadline, $"kube-proxy@{node} not healthy after 60s:\n{ProxyLog(node)}");
            await Task.Delay(200);
        }
    }

    /// <summary>The node's kube-proxy.log under the lab's directory.</summary>
    public string ProxyLog(string node) =>
        File.Exists(Layout.LogFile(ProxyId(node))) ? File.ReadAllText(Layout.LogFile(ProxyId(node))) : "";

    /// <summary>iptables-save of a node (filter and nat).</summary>
    public async Task<string> IpTablesSaveAsync(string node)
    {
        var result = await RunInAsync(Topology.FindNode(node)!.Namespace, "iptables-save");
        return result.EnsureSuccess().StandardOutput;
    }

    /// <summary>The chain names the iptables proxier gives a service port (for "nothing left behind" checks).</summary>
    public static IReadOnlyList<string> ServiceChains(string ns, string name, string? portName = null, string protocol = "tcp")
    {
        var sp = portName is null ? $"{ns}/{name}" : $"{ns}/{name}:{portName}";
        return [ChainNames.Service(sp, protocol), ChainNames.Local(sp, protocol), ChainNames.External(sp, protocol), ChainNames.Firewall(sp, protocol)];
    }
}

[CollectionDefinition(Name)]
public sealed class ProxyLabCollection : ICollectionFixture<ProxyLab>
{
    public const string Name = "proxy lab";
}
