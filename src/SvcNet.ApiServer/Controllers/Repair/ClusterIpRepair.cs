using System.Net;
using System.Net.Sockets;
using k8s.Models;
using Microsoft.Extensions.Logging;
using SvcNet.ApiServer.Allocation;
using SvcNet.ApiServer.Controllers.Core;
using SvcNet.ApiServer.Controllers.Events;
using SvcNet.ApiServer.Registry;
using SvcNet.ApiServer.Resources;
using SvcNet.ApiServer.Storage;

namespace SvcNet.ApiServer.Controllers.Repair;

/// <summary>
/// Upstream's ClusterIP repair (ipallocator/controller repair.go and repairip.go) for our model of an in-memory
/// bitmap plus one IPAddress record per address committed with its Service: checks every Service's ClusterIPs
/// (invalid, wrong family, out of range, held twice), makes the records match the Services (missing ones
/// created, wrong references fixed, orphans removed), marks every held address in the bitmap and frees an
/// address that is allocated but held by nothing only after three consecutive passes found it so.
/// </summary>
internal sealed class ClusterIpRepair(ApiRegistry registry, ClusterIpAllocator allocator, EventRecorder events, ILogger logger)
{
    private const string Allocator = "clusterip";

    private readonly BitmapRepair<IPAddress> _bitmap = new(Allocator, allocator, registry.Store,
        ip => ServiceAllocations.IpKey(ip.ToString()), HeldIps, logger);

    private string Family => allocator.Range.IsIPv4 ? "IPv4" : "IPv6";

    public async Task RunAsync(RepairSnapshot snapshot, CancellationToken ct)
    {
        var store = registry.Store;
        var records = snapshot.IpAddresses.ToDictionary(r => r.Key.Name, StringComparer.Ordinal);
        var holders = await CollectHoldersAsync(snapshot.Services, ct).ConfigureAwait(false);
        var held = new HashSet<IPAddress>();

        foreach (var (ip, services) in holders)
        {
            var text = ip.ToString();
            records.TryGetValue(text, out var record);
            var owner = services.FirstOrDefault(s => PointsTo(record, s)) ?? services[0];
            foreach (var other in services.Where(s => !ReferenceEquals(s, owner)))
            {
                await FindingAsync(other, "ClusterIPAlreadyAllocated",
                    $"Cluster IP [{Family}]:{text} was assigned to multiple services; please recreate service", ct).ConfigureAwait(false);
            }
            held.Add(ip);
            if (record is null && store.Get(ServiceAllocations.IpKey(text)) is { } committedSince && PointsTo(committedSince, owner))
            {
                // The Service was created after the records were listed; its record is there.
                continue;
            }
            if (record is null)
            {
                await FindingAsync(owner, "ClusterIPNotAllocated", $"Cluster IP [{Family}]:{text} is not allocated; repairing", ct).ConfigureAwait(false);
                await PutRecordAsync(text, null, owner, ct).ConfigureAwait(false);
            }
            else if (!PointsTo(record, owner))
            {
                await FindingAsync(owner, "ClusterIPNotAllocated",
                    $"the ClusterIP [{Family}]: {text} for Service {owner.Key.Namespace}/{owner.Key.Name} has a wrong reference; repairing", ct).ConfigureAwait(false);
                await PutRecordAsync(text, record, owner, ct).ConfigureAwait(false);
            }
        }

        foreach (var (name, record) in records)
        {
            if (IPAddress.TryParse(name, out var ip) && holders.ContainsKey(ip))
            {
                continue;
            }
            var parent = ((V1IPAddress)record.Object).Spec?.ParentRef;
            ControllerMetrics.RepairFinding(Allocator, "IPAddressNotAllocated");
            await events.RecordAsync(record.Object, EventTypes.Warning, "IPAddressNotAllocated",
                $"IPAddress: {name} for Service {parent?.NamespaceProperty}/{parent?.Name} appears to have leaked: cleaning up", ct).ConfigureAwait(false);
            var deleted = await RecordWrites.DeleteAsync(store, record, ct).ConfigureAwait(false);
            if (!deleted.Succeeded && ip is not null)
            {
                // Changed under us: treat it as held this pass; the next pass looks again.
                held.Add(ip);
            }
        }

        _bitmap.Update(held);

        if (allocator.Free == 0 && store.Get(ApiRegistry.KeyOf(ResourceCatalog.Services, "default", "kubernetes")) is { } kubernetes)
        {
            await FindingAsync(kubernetes, "ServiceCIDRFull",
                $"Service CIDR {allocator.Range} is full; you must widen the CIDR in order to create new services", ct).ConfigureAwait(false);
        }
    }

    /// <summary>Every valid in-range ClusterIP and the Services holding it (in list order: namespace, name).</summary>
    private async Task<Dictionary<IPAddress, List<StoredObject>>> CollectHoldersAsync(IReadOnlyList<StoredObject> services, CancellationToken ct)
    {
        var holders = new Dictionary<IPAddress, List<StoredObject>>();
        foreach (var stored in services)
        {
            var svc = (V1Service)stored.Object;
            if (!ServiceAllocations.NeedsClusterIp(svc))
            {
                continue;
            }
            foreach (var text in ClusterIps(svc))
            {
                if (!IPAddress.TryParse(text, out var ip))
                {
                    await FindingAsync(stored, "ClusterIPNotValid", $"Cluster IP {text} is not a valid IP; please recreate service", ct).ConfigureAwait(false);
                    continue;
                }
                var family = ip.AddressFamily == AddressFamily.InterNetwork ? "IPv4" : "IPv6";
                if (family != Family)
                {
                    await FindingAsync(stored, "ClusterIPNotValid",
                        $"Cluster IP {ip}({family}) is of ip family that is no longer configured on cluster; please recreate service", ct).ConfigureAwait(false);
                    continue;
                }
                if (!allocator.Range.Contains(ip))
                {
                    await FindingAsync(stored, "ClusterIPOutOfRange",
                        $"Cluster IP [{family}]:{ip} is not within the service CIDR {allocator.Range}; please recreate service", ct).ConfigureAwait(false);
                    continue;
                }
                if (!holders.TryGetValue(ip, out var list))
                {
                    holders[ip] = list = [];
                }
                list.Add(stored);
            }
        }
        return holders;
    }

    private static IEnumerable<string> ClusterIps(V1Service svc)
    {
        var ips = svc.Spec?.ClusterIPs is { Count: > 0 } list ? list : [svc.Spec?.ClusterIP ?? ""];
        return ips.Where(ip => !string.IsNullOrEmpty(ip) && ip != "None").Distinct();
    }

    private static IEnumerable<IPAddress> HeldIps(V1Service svc) =>
        ClusterIps(svc).Select(text => IPAddress.TryParse(text, out var ip) ? ip : null).OfType<IPAddress>();

    private async Task PutRecordAsync(string ip, StoredObject? existing, StoredObject owner, CancellationToken ct)
    {
        var svc = owner.Metadata;
        var record = new V1IPAddress
        {
            Metadata = new V1ObjectMeta
            {
                Name = ip,
                Uid = Guid.NewGuid().ToString(),
                CreationTimestamp = registry.Now(),
                Labels = new Dictionary<string, string>
                {
                    ["ipaddress.kubernetes.io/ip-family"] = Family,
                    ["ipaddress.kubernetes.io/managed-by"] = "ipallocator.k8s.io",
                },
            },
            Spec = new V1IPAddressSpec
            {
                ParentRef = new V1ParentReference { Group = "", Resource = "services", NamespaceProperty = svc.NamespaceProperty, Name = svc.Name },
            },
        };
        var result = await RecordWrites.PutAsync(registry.Store, ServiceAllocations.IpKey(ip), record, existing, owner, ct).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            ControllerLog.RecordRepairFailed(logger, Allocator, ip, result.Message ?? result.Failure.ToString());
        }
    }

    private static bool PointsTo(StoredObject? record, StoredObject service)
    {
        var parent = (record?.Object as V1IPAddress)?.Spec?.ParentRef;
        return parent is not null && parent.Resource == "services" && string.IsNullOrEmpty(parent.Group)
            && parent.NamespaceProperty == service.Key.Namespace && parent.Name == service.Key.Name;
    }

    private Task FindingAsync(StoredObject service, string reason, string message, CancellationToken ct)
    {
        ControllerMetrics.RepairFinding(Allocator, reason);
        ControllerLog.RepairFinding(logger, reason, service.Key.Namespace, service.Key.Name, message);
        return events.RecordAsync(service.Object, EventTypes.Warning, reason, message, ct);
    }
}
