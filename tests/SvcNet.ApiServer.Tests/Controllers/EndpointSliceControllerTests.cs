using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using SvcNet.Api;
using SvcNet.ApiServer.Controllers.EndpointSlices;
using SvcNet.ApiServer.Registry;
using SvcNet.ApiServer.Resources;
using static SvcNet.ApiServer.Tests.Controllers.ControllerHarness;

namespace SvcNet.ApiServer.Tests.Controllers;

public sealed class EndpointSliceControllerTests : IAsyncLifetime
{
    private ControllerHarness _h = null!;
    private EndpointSliceController _controller = null!;

    public async Task InitializeAsync()
    {
        _h = await CreateAsync();
        await _h.CreateAsync(ResourceCatalog.Nodes, Node("node1", labels: Labels("topology.kubernetes.io/zone=zone-a")));
        await _h.CreateAsync(ResourceCatalog.Nodes, Node("node2"));
        _controller = _h.Run(new EndpointSliceController(_h.Registry, NullLoggerFactory.Instance));
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private static List<V1Endpoint> Endpoints(IEnumerable<V1EndpointSlice> slices) => slices.SelectMany(s => s.Endpoints ?? []).ToList();

    private async Task<List<V1EndpointSlice>> WaitForEndpointsAsync(string service, int count, Func<List<V1Endpoint>, bool>? also = null)
    {
        try
        {
            return await WaitForAsync(() =>
            {
                var slices = _h.SlicesOf(service);
                var eps = Endpoints(slices);
                return eps.Count == count && (also?.Invoke(eps) ?? true) ? slices : null;
            }, $"{count} endpoints for {service}");
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException(e.Message + "; the slices are:\n" + string.Join("\n", _h.SlicesOf(service).Select(s => KubernetesJson.Serialize(s))), e);
        }
    }

    [Fact]
    public async Task Slice_ForServiceWithSelector_HoldsMatchingPodsWithUpstreamMetadata()
    {
        var svc = await _h.CreateAsync(ResourceCatalog.Services, Service("web", Labels("app=web")));
        var pod = await _h.CreateRunningPodAsync(Pod("web-1", Labels("app=web")), "10.244.1.5");
        await _h.CreateRunningPodAsync(Pod("db-1", Labels("app=db")), "10.244.1.6");

        var slice = Assert.Single(await WaitForEndpointsAsync("web", 1));

        Assert.StartsWith("web-", slice.Metadata.Name, StringComparison.Ordinal);
        Assert.Equal("web-".Length + 5, slice.Metadata.Name.Length);
        Assert.Equal("web-", slice.Metadata.GenerateName);
        Assert.Equal("IPv4", slice.AddressType);
        Assert.Equal("web", slice.Metadata.Labels["kubernetes.io/service-name"]);
        Assert.Equal("endpointslice-controller.k8s.io", slice.Metadata.Labels["endpointslice.kubernetes.io/managed-by"]);
        var owner = Assert.Single(slice.Metadata.OwnerReferences);
        Assert.Equal(("v1", "Service", "web", svc.Metadata.Uid, true), (owner.ApiVersion, owner.Kind, owner.Name, owner.Uid, owner.Controller == true));
        var trigger = slice.Metadata.Annotations["endpoints.kubernetes.io/last-change-trigger-time"];
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", trigger);

        var port = Assert.Single(slice.Ports);
        Assert.Equal(("http", 8080, "TCP"), (port.Name, port.Port, port.Protocol));
        var ep = Assert.Single(slice.Endpoints);
        Assert.Equal(["10.244.1.5"], ep.Addresses);
        Assert.Equal((true, true, false), (ep.Conditions.Ready, ep.Conditions.Serving, ep.Conditions.Terminating));
        Assert.Equal("node1", ep.NodeName);
        Assert.Equal("zone-a", ep.Zone);
        Assert.Equal(("Pod", "default", "web-1", pod.Metadata.Uid), (ep.TargetRef.Kind, ep.TargetRef.NamespaceProperty, ep.TargetRef.Name, ep.TargetRef.Uid));
    }

    [Fact]
    public async Task Conditions_FollowReadinessAndTermination()
    {
        await _h.CreateAsync(ResourceCatalog.Services, Service("web", Labels("app=web")));
        await _h.CreateRunningPodAsync(Pod("ready", Labels("app=web")), "10.244.1.1");
        await _h.CreateRunningPodAsync(Pod("starting", Labels("app=web")), "10.244.1.2", ready: false);
        await _h.CreateRunningPodAsync(Pod("stopping", Labels("app=web")), "10.244.1.3");
        // A bound pod is deleted gracefully: it stays, terminating, until its kubelet is done.
        await _h.Registry.DeleteAsync(ResourceCatalog.Pods, "default", "stopping", null, WriteOptions.Default);

        var slices = await WaitForEndpointsAsync("web", 3, eps => eps.Any(e => e.Conditions.Terminating == true));

        var byPod = Endpoints(slices).ToDictionary(e => e.TargetRef.Name, e => (e.Conditions.Ready, e.Conditions.Serving, e.Conditions.Terminating));
        Assert.Equal((true, true, false), byPod["ready"]);
        Assert.Equal((false, false, false), byPod["starting"]);
        Assert.Equal((false, true, true), byPod["stopping"]);
    }

    [Fact]
    public async Task PublishNotReadyAddresses_MarksEveryEndpointReady()
    {
        var svc = Service("web", Labels("app=web"));
        svc.Spec.PublishNotReadyAddresses = true;
        await _h.CreateAsync(ResourceCatalog.Services, svc);
        await _h.CreateRunningPodAsync(Pod("starting", Labels("app=web")), "10.244.1.2", ready: false);

        var ep = Assert.Single(Endpoints(await WaitForEndpointsAsync("web", 1)));

        Assert.Equal((true, false, false), (ep.Conditions.Ready, ep.Conditions.Serving, ep.Conditions.Terminating));
    }

    [Fact]
    public async Task NamedTargetPort_IsResolvedPerPod_AndAPodWithoutThePortGetsASliceWithoutPorts()
    {
        // The seeds' example: targetPort names the container port "http-web-svc".
        await _h.CreateAsync(ResourceCatalog.Services, Service("nginx-service", Labels("app.kubernetes.io/name=proxy"), "default",
            new V1ServicePort { Name = "name-of-service-port", Port = 80, TargetPort = "http-web-svc", Protocol = "TCP" }));
        var proxy = Labels("app.kubernetes.io/name=proxy");
        await _h.CreateRunningPodAsync(Pod("on-80", proxy, ports: [new V1ContainerPort { Name = "http-web-svc", ContainerPort = 80 }]), "10.244.1.10");
        await _h.CreateRunningPodAsync(Pod("on-8080", proxy, ports: [new V1ContainerPort { Name = "http-web-svc", ContainerPort = 8080 }]), "10.244.1.11");
        await _h.CreateRunningPodAsync(Pod("unnamed", proxy, ports: [new V1ContainerPort { Name = "metrics", ContainerPort = 9090 }]), "10.244.1.12");

        // Upstream (getEndpointPorts skips a service port the pod does not have) groups such a pod under an empty
        // port set: it is an endpoint of a slice with no ports, which proxies program nothing for.
        var slices = await WaitForEndpointsAsync("nginx-service", 3);

        var byPort = slices.Where(s => s.Ports is { Count: > 0 })
            .ToDictionary(s => Assert.Single(s.Ports).Port!.Value, s => s.Endpoints.Select(e => e.TargetRef.Name).ToList());
        Assert.Equal(["on-80"], byPort[80]);
        Assert.Equal(["on-8080"], byPort[8080]);
        Assert.Equal(2, byPort.Count);
        var portless = Assert.Single(slices, s => s.Ports is null or { Count: 0 });
        Assert.Equal(["unnamed"], portless.Endpoints.Select(e => e.TargetRef.Name));
        Assert.All(slices.SelectMany(s => s.Ports ?? []), p => Assert.Equal("name-of-service-port", p.Name));
    }

    [Fact]
    public async Task PodsWithoutAnIp_AreNotEndpoints()
    {
        await _h.CreateAsync(ResourceCatalog.Services, Service("web", Labels("app=web")));
        await _h.CreateAsync(ResourceCatalog.Pods, Pod("pending", Labels("app=web")));
        await _h.CreateRunningPodAsync(Pod("running", Labels("app=web")), "10.244.1.7");

        var ep = Assert.Single(Endpoints(await WaitForEndpointsAsync("web", 1)));

        Assert.Equal("running", ep.TargetRef.Name);
    }

    [Fact]
    public async Task ServiceWithoutEndpoints_GetsOneEmptyPlaceholderSlice()
    {
        await _h.CreateAsync(ResourceCatalog.Services, Service("web", Labels("app=web")));

        var slice = await WaitForAsync(() => _h.SlicesOf("web").SingleOrDefault(), "a placeholder slice");

        Assert.Empty(slice.Endpoints);
        Assert.Empty(slice.Ports);
    }

    [Fact]
    public async Task MoreThan100Endpoints_AreSplitIntoSlicesOfAtMost100()
    {
        await _h.CreateAsync(ResourceCatalog.Services, Service("big", Labels("app=big")));
        await Task.WhenAll(Enumerable.Range(0, 205).Select(i =>
            _h.CreateRunningPodAsync(Pod($"big-{i:000}", Labels("app=big")), $"10.244.{1 + i / 200}.{1 + i % 200}")));

        var slices = await WaitForEndpointsAsync("big", 205);

        Assert.Equal(3, slices.Count);
        Assert.All(slices, s => Assert.InRange(s.Endpoints.Count, 1, 100));
        Assert.Equal(205, Endpoints(slices).Select(e => e.TargetRef.Name).Distinct().Count());
    }

    [Fact]
    public async Task SelectorChange_ReplacesTheEndpoints()
    {
        await _h.CreateAsync(ResourceCatalog.Services, Service("web", Labels("app=web")));
        await _h.CreateRunningPodAsync(Pod("web-1", Labels("app=web")), "10.244.1.1");
        await _h.CreateRunningPodAsync(Pod("api-1", Labels("app=api")), "10.244.1.2");
        await WaitForEndpointsAsync("web", 1);

        await _h.UpdateAsync<V1Service>(ResourceCatalog.Services, "default", "web", s => s.Spec.Selector = Labels("app=api"));

        await WaitForEndpointsAsync("web", 1, eps => eps[0].TargetRef.Name == "api-1");
    }

    [Fact]
    public async Task PodLabelChange_MovesThePodBetweenServices()
    {
        await _h.CreateAsync(ResourceCatalog.Services, Service("web", Labels("app=web")));
        await _h.CreateAsync(ResourceCatalog.Services, Service("api", Labels("app=api")));
        await _h.CreateRunningPodAsync(Pod("p", Labels("app=web")), "10.244.1.1");
        await WaitForEndpointsAsync("web", 1);

        await _h.UpdateAsync<V1Pod>(ResourceCatalog.Pods, "default", "p", p => p.Metadata.Labels = Labels("app=api"));

        await WaitForEndpointsAsync("api", 1);
        await WaitForEndpointsAsync("web", 0);
    }

    [Fact]
    public async Task SelectorRemoved_DeletesManagedSlices_ButLeavesUserSlicesAlone()
    {
        await _h.CreateAsync(ResourceCatalog.Services, Service("web", Labels("app=web")));
        await _h.CreateRunningPodAsync(Pod("web-1", Labels("app=web")), "10.244.1.1");
        await WaitForEndpointsAsync("web", 1);
        await _h.CreateAsync(ResourceCatalog.EndpointSlices, new V1EndpointSlice
        {
            Metadata = new V1ObjectMeta { Name = "web-manual", NamespaceProperty = "default", Labels = Labels("kubernetes.io/service-name=web") },
            AddressType = "IPv4",
            Endpoints = [new V1Endpoint { Addresses = ["192.0.2.1"] }],
        });

        await _h.UpdateAsync<V1Service>(ResourceCatalog.Services, "default", "web", s => s.Spec.Selector = null);

        var left = await WaitForAsync(() => _h.SlicesOf("web") is [var only] ? only : null, "only the user's slice");
        Assert.Equal("web-manual", left.Metadata.Name);
    }

    [Fact]
    public async Task ServiceDeleted_RemovesItsSlices()
    {
        await _h.CreateAsync(ResourceCatalog.Services, Service("web", Labels("app=web")));
        await _h.CreateRunningPodAsync(Pod("web-1", Labels("app=web")), "10.244.1.1");
        await WaitForEndpointsAsync("web", 1);

        await _h.Registry.DeleteAsync(ResourceCatalog.Services, "default", "web", null, WriteOptions.Default);

        await WaitUntilAsync(() => _h.SlicesOf("web").Count == 0, "the slices to go");
    }

    [Fact]
    public async Task SyncWithNothingChanged_WritesNothing()
    {
        await _h.CreateAsync(ResourceCatalog.Services, Service("web", Labels("app=web")));
        await _h.CreateRunningPodAsync(Pod("web-1", Labels("app=web")), "10.244.1.1");
        await _h.CreateRunningPodAsync(Pod("web-2", Labels("app=web")), "10.244.1.2");
        var before = Assert.Single(await WaitForEndpointsAsync("web", 2));
        await WaitUntilAsync(() => _controller.Worker.IsIdle, "the controller to settle");
        var synced = new TaskCompletionSource();
        _controller.Worker.Synced += (key, _) =>
        {
            if (key == new NamespacedName("default", "web"))
            {
                synced.TrySetResult();
            }
        };

        // A change that makes the controller look again but alters no endpoint.
        await _h.UpdateAsync<V1Service>(ResourceCatalog.Services, "default", "web", s => s.Metadata.Annotations = Labels("note=unrelated"));
        await synced.Task.WaitAsync(WaitTimeout);
        await WaitUntilAsync(() => _controller.Worker.IsIdle, "the controller to settle again");

        var after = Assert.Single(_h.SlicesOf("web"));
        Assert.Equal(before.Metadata.ResourceVersion, after.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task OneEndpointChange_RewritesOnlyTheSliceHoldingIt()
    {
        await _h.CreateAsync(ResourceCatalog.Services, Service("big", Labels("app=big")));
        await Task.WhenAll(Enumerable.Range(0, 150).Select(i =>
            _h.CreateRunningPodAsync(Pod($"big-{i:000}", Labels("app=big")), $"10.244.1.{1 + i}")));
        var before = (await WaitForEndpointsAsync("big", 150)).ToDictionary(s => s.Metadata.Name, s => s.Metadata.ResourceVersion);
        var holder = _h.SlicesOf("big").Single(s => s.Endpoints.Any(e => e.TargetRef.Name == "big-007")).Metadata.Name;

        await _h.UpdateAsync(ResourceCatalog.Pods, "default", "big-007", Running("10.244.1.8", ready: false, _h.Registry.Now()), "status");

        var after = await WaitForEndpointsAsync("big", 150, eps => eps.Single(e => e.TargetRef.Name == "big-007").Conditions.Ready == false);
        Assert.Equal(before.Keys.Order(), after.Select(s => s.Metadata.Name).Order());
        foreach (var slice in after)
        {
            Assert.Equal(slice.Metadata.Name == holder, slice.Metadata.ResourceVersion != before[slice.Metadata.Name]);
        }
    }

    [Fact]
    public async Task PodOnAnUnknownNode_IsLeftOutWithAWarning_UntilTheNodeAppears()
    {
        await _h.CreateAsync(ResourceCatalog.Services, Service("web", Labels("app=web")));
        await _h.CreateRunningPodAsync(Pod("early", Labels("app=web"), node: "node7"), "10.244.7.2");

        var ev = await WaitForAsync(() => _h.EventsFor("web", "FailedToUpdateEndpointSlices").FirstOrDefault(), "a warning");
        Assert.Contains("early (node node7 not found)", ev.Message, StringComparison.Ordinal);
        Assert.Empty(Endpoints(_h.SlicesOf("web")));

        await _h.CreateAsync(ResourceCatalog.Nodes, Node("node7"));

        await WaitForEndpointsAsync("web", 1);
    }

    [Fact]
    public async Task RestartedController_AdoptsTheExistingSlices_WithoutRewritingThem()
    {
        await _h.CreateAsync(ResourceCatalog.Services, Service("web", Labels("app=web")));
        await _h.CreateAsync(ResourceCatalog.Services, Service("empty", Labels("app=none")));
        await _h.CreateRunningPodAsync(Pod("web-1", Labels("app=web")), "10.244.1.1");
        await WaitForEndpointsAsync("web", 1);
        await WaitUntilAsync(() => _h.SlicesOf("empty").Count == 1, "the placeholder");
        await WaitUntilAsync(() => _controller.Worker.IsIdle, "the controller to settle");
        var before = _h.List<V1EndpointSlice>(ResourceCatalog.EndpointSlices).ToDictionary(s => s.Metadata.Name, s => s.Metadata.ResourceVersion);
        await _h.StopControllersAsync();

        var restarted = _h.Run(new EndpointSliceController(_h.Registry, NullLoggerFactory.Instance));
        var synced = 0;
        restarted.Worker.Synced += (_, _) => Interlocked.Increment(ref synced);
        await WaitUntilAsync(() => Volatile.Read(ref synced) >= 2 && restarted.Worker.IsIdle, "the restarted controller to sync both services");

        var after = _h.List<V1EndpointSlice>(ResourceCatalog.EndpointSlices).ToDictionary(s => s.Metadata.Name, s => s.Metadata.ResourceVersion);
        Assert.Equal(before, after);
    }
}
