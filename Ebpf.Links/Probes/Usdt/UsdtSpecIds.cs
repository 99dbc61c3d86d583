using System.Collections.Concurrent;

namespace Ebpf.Links;

/// <summary>
/// The spec ids (keys of one <c>__bpf_usdt_specs</c> map) in use by this process's USDT links, as libbpf's
/// <c>usdt_manager</c> keeps them per object: ids come back on detach and are reused newest first, new ones are
/// sequential up to the map's size.
/// </summary>
internal sealed class UsdtSpecIds
{
    private static readonly ConcurrentDictionary<uint, UsdtSpecIds> ByMap = new();

    private readonly Stack<int> _free = new();
    private readonly uint _capacity;
    private int _next;

    private UsdtSpecIds(uint capacity)
    {
        _capacity = capacity;
    }

    /// <summary>The ids of the specs map with kernel id <paramref name="mapId"/> and <paramref name="capacity"/> entries.</summary>
    public static UsdtSpecIds For(uint mapId, uint capacity) => ByMap.GetOrAdd(mapId, static (_, size) => new UsdtSpecIds(size), capacity);

    /// <summary>A free id.</summary>
    /// <exception cref="InvalidOperationException">All <c>BPF_USDT_MAX_SPEC_CNT</c> ids are in use.</exception>
    public int Take()
    {
        lock (_free)
        {
            if (_free.TryPop(out int id))
            {
                return id;
            }

            if (_next >= _capacity)
            {
                throw new InvalidOperationException(
                    $"all {_capacity} USDT spec ids of __bpf_usdt_specs are in use: detach USDT links or define BPF_USDT_MAX_SPEC_CNT larger before including usdt.bpf.h");
            }

            return _next++;
        }
    }

    /// <summary>Gives back ids taken with <see cref="Take"/>.</summary>
    public void Return(IEnumerable<int> ids)
    {
        lock (_free)
        {
            foreach (int id in ids)
            {
                _free.Push(id);
            }
        }
    }
}
