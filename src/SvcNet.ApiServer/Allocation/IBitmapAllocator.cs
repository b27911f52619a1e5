namespace SvcNet.ApiServer.Allocation;

/// <summary>What the repair pass needs of an allocator's bitmap, for ClusterIPs and NodePorts alike.</summary>
public interface IBitmapAllocator<T>
{
    int Free { get; }

    bool IsAllocated(T entry);

    IReadOnlyList<T> Allocated();

    void MarkAllocated(IEnumerable<T> entries);

    void Release(T entry);
}
