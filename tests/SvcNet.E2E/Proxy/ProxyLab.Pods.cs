using System.Net;
using k8s;
using k8s.Models;
using SvcNet.Lab;

namespace SvcNet.E2E.Proxy;

/// <summary>An agnhost netexec pod of the proxy lab, as its kubelet runs it: its node, address and network namespace.</summary>
public sealed record LabPod(string Name, LabNodeInfo Node, IPAddress IP, string NetworkNamespace, int Port = LabPod.HttpPort)
{
    public const int HttpPort = 8080;
}

public sealed partial class ProxyLab
{
    /// <summary>
    /// Creates Pod <paramref name="name"/> (namespace default, `agnhost netexec` on <paramref name="port"/>, a
    /// container port named http) pinned to <paramref name="nodeName"/> by its hostname label, and waits until the
    /// node's kubelet runs it, reports it ready and it answers; the API server's EndpointSlice controller then makes it
    /// an endpoint of every Service whose selector matches <paramref name="labels"/>.
    /// </summary>
    public async Task<LabPod> StartPodAsync(string name, string nodeName, IDictionary<string, string> labels, int port = LabPod.HttpPort)
    {
        await CreatePodAsync(new V1Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string>(labels) },
            Spec = new V1PodSpec
            {
                NodeSelector = new Dictionary<string, string> { ["kubernetes.io/hostname"] = nodeName },
                TerminationGracePeriodSeconds = 2,
                Containers =
                [
                    new V1Container
                    {
                        Name = "agnhost",
                        Image = "registry.k8s.io/e2e-test-images/agnhost:2.53",
                        Args = ["netexec", $"--http-port={port}", "--udp-port=-1"],
                        Ports = [new V1ContainerPort { Name = "http", ContainerPort = port, Protocol = "TCP" }],
                    },
                ],
            },
        });
        var running = await WaitForRunningAsync(name);
        Assert.Equal(nodeName, running.Spec.NodeName);
        var pod = new LabPod(name, Topology.FindNode(nodeName)!, IPAddress.Parse(running.Status.PodIP), PodNetns(running), port);
        await WaitListeningAsync(pod);
        return pod;
    }

    /// <summary>Deletes the Pod the way a user does (graceful); returns once the kubelet has stopped it and the Pod is gone.</summary>
    public async Task DeletePodAsync(LabPod pod)
    {
        await Client.CoreV1.DeleteNamespacedPodAsync(pod.Name, "default", gracePeriodSeconds: 1);
        await WaitForGoneAsync(pod.Name);
    }

    private static async Task WaitListeningAsync(LabPod pod)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        var to = new IPEndPoint(pod.IP, pod.Port);
        while (await Task.Run(() => LabHttp.TryGet(pod.Node.Namespace, to, "/healthz", TimeSpan.FromSeconds(1))) is not { StatusCode: 200 })
        {
            Assert.True(DateTime.UtcNow < deadline, $"pod {pod.Name} ({pod.IP}) does not answer on {pod.Port} after 30s");
            await Task.Delay(100);
        }
    }
}
