namespace SvcNet.ApiServer.Allocation;

/// <summary>Hands out NodePorts from a <see cref="NodePortRange"/> with upstream's semantics. Thread-safe.</summary>
public sealed class NodePortAllocator : IBitmapAllocator<int>
{
    private readonly Lock _lock = new();
    private readonly Random? _random;
    private AllocationBitmap _bitmap;

    public NodePortAllocator(NodePortRange range, Random? random = null)
    {
        Range = range;
        _random = random;
        _bitmap = new AllocationBitmap(range.Size, range.StaticBand, random);
    }

    public NodePortRange Range { get; }

    public int Free
    {
        get
        {
            lock (_lock)
            {
                return _bitmap.Free;
            }
        }
    }

    public AllocationError TryAllocate(int port)
    {
        if (!Range.Contains(port))
        {
            return new AllocationError(AllocationErrorKind.NotInRange,
                $"provided port is not in the valid range. The range of valid ports is {Range}");
        }
        lock (_lock)
        {
            return _bitmap.TryAllocate(port - Range.Base) ? AllocationError.None : AllocationError.PortAllocated;
        }
    }

    public AllocationError TryAllocateNext(out int port)
    {
        lock (_lock)
        {
            if (_bitmap.TryAllocateNext(out var offset))
            {
                port = Range.Base + offset;
                return AllocationError.None;
            }
        }
        port = 0;
        return AllocationError.Full;
    }

    public void Release(int port)
    {
        if (Range.Contains(port))
        {
            lock (_lock)
            {
                _bitmap.Release(port - Range.Base);
            }
        }
    }

    public bool IsAllocated(int port)
    {
        if (!Range.Contains(port))
        {
            return false;
        }
        lock (_lock)
        {
            return _bitmap.Has(port - Range.Base);
        }
    }

    public IReadOnlyList<int> Allocated()
    {
        lock (_lock)
        {
            return _bitmap.Allocated().Select(o => o + Range.Base).ToList();
        }
    }

    public void Rebuild(IEnumerable<int> held, IEnumerable<int> keep)
    {
        var bitmap = new AllocationBitmap(Range.Size, Range.StaticBand, _random);
        foreach (var port in held.Concat(keep).Where(Range.Contains))
        {
            bitmap.TryAllocate(port - Range.Base);
        }
        lock (_lock)
        {
            _bitmap = bitmap;
        }
    }

    public void MarkAllocated(IEnumerable<int> ports)
    {
        lock (_lock)
        {
            foreach (var port in ports.Where(Range.Contains))
            {
                _bitmap.TryAllocate(port - Range.Base);
            }
        }
    }
}
