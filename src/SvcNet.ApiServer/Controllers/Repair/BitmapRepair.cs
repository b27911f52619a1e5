using k8s.Models;
using Microsoft.Extensions.Logging;
using SvcNet.ApiServer.Allocation;
using SvcNet.ApiServer.Controllers.Core;
using SvcNet.ApiServer.Resources;
using SvcNet.ApiServer.Storage;

namespace SvcNet.ApiServer.Controllers.Repair;

/// <summary>
/// The bitmap half of a repair pass, the same for ClusterIPs and NodePorts: every entry a Service holds is marked
/// allocated, and an entry allocated but held by nothing is freed only after <see cref="LeakTracker{T}"/>'s three
/// consecutive passes — and only if, read again at that moment, no Service and no allocation record holds it.
/// </summary>
/// <param name="allocatorName">The allocator's name in logs and metrics (clusterip, nodeport).</param>
/// <param name="recordKey">The store key of an entry's allocation record.</param>
/// <param name="heldBy">The entries a Service holds.</param>
internal sealed class BitmapRepair<T>(string allocatorName, IBitmapAllocator<T> allocator, IObjectStore store,
    Func<T, ObjectKey> recordKey, Func<V1Service, IEnumerable<T>> heldBy, ILogger logger) where T : notnull
{
    private readonly LeakTracker<T> _leaks = new();
    private bool _loaded;

    /// <summary>Brings the bitmap in line with <paramref name="held"/>, the entries the pass found held by Services.</summary>
    public void Update(IReadOnlySet<T> held)
    {
        var missing = held.Where(e => !allocator.IsAllocated(e)).ToList();
        if (missing.Count > 0)
        {
            // The record check narrows the window in which a Service deleted since the snapshot is re-marked.
            var stillHeld = missing.Where(e => store.Get(recordKey(e)) is not null).ToList();
            if (_loaded)
            {
                foreach (var e in stillHeld)
                {
                    ControllerLog.BitmapMissedEntry(logger, allocatorName, Text(e));
                }
            }
            allocator.MarkAllocated(stillHeld);
        }
        _loaded = true;

        var (toFree, newlySeen) = _leaks.Observe(allocator.Allocated().Where(e => !held.Contains(e)));
        foreach (var e in newlySeen)
        {
            ControllerLog.MayHaveLeaked(logger, allocatorName, Text(e));
        }
        if (toFree.Count == 0)
        {
            return;
        }
        var heldNow = store.List(ResourceCatalog.Services.Resource).Items.SelectMany(s => heldBy((V1Service)s.Object)).ToHashSet();
        foreach (var e in toFree)
        {
            if (heldNow.Contains(e) || store.Get(recordKey(e)) is not null)
            {
                continue;
            }
            ControllerMetrics.RepairFinding(allocatorName, "leak");
            ControllerLog.LeakFreed(logger, allocatorName, Text(e));
            allocator.Release(e);
        }
    }

    private static string Text(T entry) => Convert.ToString(entry, System.Globalization.CultureInfo.InvariantCulture) ?? "";
}
