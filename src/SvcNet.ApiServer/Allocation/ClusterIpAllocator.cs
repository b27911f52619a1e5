using System.Net;

namespace SvcNet.ApiServer.Allocation;

/// <summary>
/// Hands out ClusterIPs from a <see cref="ServiceIpRange"/>: a requested address is honoured or refused with
/// upstream's message; otherwise a random free one from the dynamic band. The bitmap is the fast path; the
/// store's one-record-per-IP keys are the guarantee. Thread-safe.
/// </summary>
public sealed class ClusterIpAllocator : IBitmapAllocator<IPAddress>
{
    private readonly Lock _lock = new();
    private AllocationBitmap _bitmap;
    private readonly Random? _random;

    public ClusterIpAllocator(ServiceIpRange range, Random? random = null)
    {
        Range = range;
        _random = random;
        _bitmap = new AllocationBitmap(range.Size, range.StaticBand, random);
    }

    public ServiceIpRange Range { get; }

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

    public AllocationError TryAllocate(IPAddress ip)
    {
        if (!Range.TryGetOffset(ip, out var offset))
        {
            return new AllocationError(AllocationErrorKind.NotInRange,
                $"the provided IP ({ip}) is not in the valid range. The range of valid IPs is {Range}");
        }
        lock (_lock)
        {
            return _bitmap.TryAllocate(offset) ? AllocationError.None : AllocationError.IpAllocated;
        }
    }

    public AllocationError TryAllocateNext(out IPAddress? ip)
    {
        lock (_lock)
        {
            if (_bitmap.TryAllocateNext(out var offset))
            {
                ip = Range.At(offset);
                return AllocationError.None;
            }
        }
        ip = null;
        return AllocationError.Full;
    }

    public void Release(IPAddress ip)
    {
        if (Range.TryGetOffset(ip, out var offset))
        {
            lock (_lock)
            {
                _bitmap.Release(offset);
            }
        }
    }

    public bool IsAllocated(IPAddress ip)
    {
        if (!Range.TryGetOffset(ip, out var offset))
        {
            return false;
        }
        lock (_lock)
        {
            return _bitmap.Has(offset);
        }
    }

    public IReadOnlyList<IPAddress> Allocated()
    {
        lock (_lock)
        {
            return _bitmap.Allocated().Select(Range.At).ToList();
        }
    }

    /// <summary>
    /// Marks <paramref name="held"/> as allocated and frees everything else except <paramref name="keep"/>
    /// (the repair pass decides which of the old entries may still be in flight).
    /// </summary>
    public void Rebuild(IEnumerable<IPAddress> held, IEnumerable<IPAddress> keep)
    {
        var bitmap = new AllocationBitmap(Range.Size, Range.StaticBand, _random);
        foreach (var ip in held.Concat(keep))
        {
            if (Range.TryGetOffset(ip, out var offset))
            {
                bitmap.TryAllocate(offset);
            }
        }
        lock (_lock)
        {
            _bitmap = bitmap;
        }
    }

    /// <summary>Adds entries without freeing any (the repair pass's first step).</summary>
    public void MarkAllocated(IEnumerable<IPAddress> ips)
    {
        lock (_lock)
        {
            foreach (var ip in ips)
            {
                if (Range.TryGetOffset(ip, out var offset))
                {
                    _bitmap.TryAllocate(offset);
                }
            }
        }
    }
}
