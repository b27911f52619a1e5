using System.Globalization;
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
/// Upstream's NodePort repair (portallocator/controller repair.go) for the NodePort bitmap and the one
/// NodePortAllocation record per port committed with its Service: the same checks, record reconciliation and
/// three-pass leak rule as <see cref="ClusterIpRepair"/>, with upstream's Port* events.
/// </summary>
internal sealed class NodePortRepair(ApiRegistry registry, NodePortAllocator allocator, EventRecorder events, ILogger logger)
{
    private const string Allocator = "nodeport";

    private readonly BitmapRepair<int> _bitmap = new(Allocator, allocator, registry.Store,
        ServiceAllocations.NodePortKey, ServiceAllocations.ServiceNodePorts, logger);

    public async Task RunAsync(RepairSnapshot snapshot, CancellationToken ct)
    {
        var store = registry.Store;
        var records = snapshot.NodePorts.ToDictionary(r => r.Key.Name, StringComparer.Ordinal);
        var holders = new SortedDictionary<int, List<StoredObject>>();
        foreach (var stored in snapshot.Services)
        {
            foreach (var port in ServiceAllocations.ServiceNodePorts((V1Service)stored.Object))
            {
                if (!allocator.Range.Contains(port))
                {
                    await FindingAsync(stored, "PortOutOfRange",
                        $"Port {port} is not within the port range {allocator.Range}; please recreate service", ct).ConfigureAwait(false);
                    continue;
                }
                if (!holders.TryGetValue(port, out var list))
                {
                    holders[port] = list = [];
                }
                list.Add(stored);
            }
        }

        var held = new HashSet<int>();
        foreach (var (port, services) in holders)
        {
            records.TryGetValue(Name(port), out var record);
            var owner = services.FirstOrDefault(s => PointsTo(record, s)) ?? services[0];
            foreach (var other in services.Where(s => !ReferenceEquals(s, owner)))
            {
                await FindingAsync(other, "PortAlreadyAllocated", $"Port {port} was assigned to multiple services; please recreate service", ct)
                    .ConfigureAwait(false);
            }
            held.Add(port);
            if (record is null && store.Get(ServiceAllocations.NodePortKey(port)) is { } committedSince && PointsTo(committedSince, owner))
            {
                // The Service was created after the records were listed; its record is there.
                continue;
            }
            if (record is null || !PointsTo(record, owner))
            {
                await FindingAsync(owner, "PortNotAllocated", $"Port {port} is not allocated; repairing", ct).ConfigureAwait(false);
                await PutRecordAsync(port, record, owner, ct).ConfigureAwait(false);
            }
        }

        foreach (var (name, record) in records)
        {
            var parsed = int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var port);
            if (parsed && holders.ContainsKey(port))
            {
                continue;
            }
            ControllerMetrics.RepairFinding(Allocator, "orphan-record");
            ControllerLog.OrphanRecordRemoved(logger, Allocator, name, ((NodePortAllocation)record.Object).Service);
            var deleted = await RecordWrites.DeleteAsync(store, record, ct).ConfigureAwait(false);
            if (!deleted.Succeeded && parsed)
            {
                held.Add(port);
            }
        }

        _bitmap.Update(held);
        if (allocator.Free == 0)
        {
            ControllerLog.RangeFull(logger, Allocator, allocator.Range.ToString());
        }
    }

    private async Task PutRecordAsync(int port, StoredObject? existing, StoredObject owner, CancellationToken ct)
    {
        var record = new NodePortAllocation
        {
            Metadata = new V1ObjectMeta { Name = Name(port), CreationTimestamp = registry.Now() },
            Service = $"{owner.Key.Namespace}/{owner.Key.Name}",
            ServiceUid = owner.Metadata.Uid ?? "",
        };
        var result = await RecordWrites.PutAsync(registry.Store, ServiceAllocations.NodePortKey(port), record, existing, owner, ct).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            ControllerLog.RecordRepairFailed(logger, Allocator, Name(port), result.Message ?? result.Failure.ToString());
        }
    }

    private static string Name(int port) => port.ToString(CultureInfo.InvariantCulture);

    private static bool PointsTo(StoredObject? record, StoredObject service) =>
        record?.Object is NodePortAllocation a
        && a.Service == $"{service.Key.Namespace}/{service.Key.Name}"
        && (a.ServiceUid.Length == 0 || a.ServiceUid == service.Metadata.Uid);

    private Task FindingAsync(StoredObject service, string reason, string message, CancellationToken ct)
    {
        ControllerMetrics.RepairFinding(Allocator, reason);
        ControllerLog.RepairFinding(logger, reason, service.Key.Namespace, service.Key.Name, message);
        return events.RecordAsync(service.Object, EventTypes.Warning, reason, message, ct);
    }
}
