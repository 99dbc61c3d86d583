using BenchmarkDotNet.Attributes;
using Ebpf.Kernel;
using Ebpf.Specs;
using Ebpf.Kernel.Interop;

namespace Ebpf.Benchmarks.Kernel;

/// <summary>
/// Map operations on a hash map of 10,000 entries (4-byte keys, 8-byte values), against a raw syscall loop in C
/// (native/map_ops.c does the same operations): one lookup, one update, reading every entry with batch lookups
/// and reading every entry key by key (get_next_key + lookup); the batch walk also through the typed view. Needs root (CAP_BPF).
/// </summary>
[MemoryDiagnoser]
public class MapBenchmarks
{
    /// <summary>Entries in the map, as in native/map_ops.c.</summary>
    public const int Entries = 10_000;

    /// <summary>Entries per batch call, as in native/map_ops.c: as fast as one call for all entries, a tenth of the memory.</summary>
    public const int BatchSize = 1024;

    /// <summary>Operations per call of the in-process C loops (<see cref="NativeLookup"/>, <see cref="NativeUpdate"/>).</summary>
    public const int NativeOps = 1000;

    private readonly uint[] _keys = new uint[Entries];
    private readonly ulong[] _values = new ulong[Entries];
    private Map? _map;
    private uint _next;

    /// <summary>For the C loops: checks their library was built, then <see cref="Setup"/>.</summary>
    [GlobalSetup(Targets = [nameof(NativeLookup), nameof(NativeUpdate)])]
    public void NativeSetup()
    {
        MapOpsNative.EnsureAvailable();
        Setup();
    }

    /// <summary>Creates and fills the map.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _map = Map.Create(new MapSpec { Name = "bench_hash", Type = BpfMapType.Hash, KeySize = 4, ValueSize = 8, MaxEntries = Entries });
        for (uint i = 0; i < Entries; i++)
        {
            _keys[i] = i;
            _values[i] = i * 2UL;
        }

        _map.UpdateBatch<uint, ulong>(_keys, _values);
    }

    /// <summary>Closes the map.</summary>
    [GlobalCleanup]
    public void Cleanup() => _map?.Dispose();

    /// <summary>One <c>BPF_MAP_LOOKUP_ELEM</c> of an existing key.</summary>
    [Benchmark]
    public ulong Lookup()
    {
        uint key = _next++ % Entries;
        return _map!.TryLookup(key, out ulong value) ? value : 0;
    }

    /// <summary>
    /// The floor for <see cref="Lookup"/> in the same process, so both see the same load: one
    /// <c>BPF_MAP_LOOKUP_ELEM</c> straight through <c>syscall(2)</c>, without checks, descriptor reference or errno.
    /// </summary>
    [Benchmark]
    public unsafe ulong RawSyscallLookup()
    {
        uint key = _next++ % Entries;
        ulong value = 0;
        var attr = new Ebpf.Kernel.Interop.MapElemAttr { MapFd = (uint)_map!.FileDescriptor.DangerousGetFd(), Key = (ulong)&key, Value = (ulong)&value };
        return Ebpf.Kernel.Interop.LibC.Syscall4(Ebpf.Kernel.Interop.SyscallNumbers.Bpf, (long)BpfCommand.MapLookupElem, &attr, sizeof(Ebpf.Kernel.Interop.MapElemAttr)) == 0 ? value : 0;
    }

    /// <summary>
    /// The C loop of native/map_ops.c for <see cref="Lookup"/>, called in this process (<see cref="NativeOps"/> raw
    /// <c>syscall(__NR_bpf)</c> lookups per call), so ours and C's are measured under the same load.
    /// </summary>
    [Benchmark(OperationsPerInvoke = NativeOps)]
    public ulong NativeLookup() => MapOpsNative.Lookup(_map!.FileDescriptor.DangerousGetFd(), NativeOps);

    /// <summary>The C loop of native/map_ops.c for <see cref="Update"/>, called in this process.</summary>
    [Benchmark(OperationsPerInvoke = NativeOps)]
    public ulong NativeUpdate() => MapOpsNative.Update(_map!.FileDescriptor.DangerousGetFd(), NativeOps);

    /// <summary>One <c>BPF_MAP_UPDATE_ELEM</c> of an existing key.</summary>
    [Benchmark]
    public void Update()
    {
        uint key = _next++ % Entries;
        _map!.Update(key, (ulong)key);
    }

    /// <summary>Every entry through <c>BPF_MAP_LOOKUP_BATCH</c> with buffers of <see cref="BatchSize"/> entries.</summary>
    [Benchmark]
    public int BatchLookupAll()
    {
        var cursor = default(MapBatchCursor);
        int total = 0;
        while (!cursor.IsDone)
        {
            total += _map!.LookupBatch(ref cursor, _keys.AsSpan(0, BatchSize), _values.AsSpan(0, BatchSize));
        }

        return total;
    }

    /// <summary>As <see cref="BatchLookupAll"/> through the <see cref="TypedMap{TKey, TValue}"/> view generated code hands out: should cost the same.</summary>
    [Benchmark]
    public int TypedBatchLookupAll()
    {
        var typed = new TypedMap<uint, ulong>(_map!);
        var cursor = default(MapBatchCursor);
        int total = 0;
        while (!cursor.IsDone)
        {
            total += typed.LookupBatch(ref cursor, _keys.AsSpan(0, BatchSize), _values.AsSpan(0, BatchSize));
        }

        return total;
    }

    /// <summary>Every entry key by key: <c>BPF_MAP_GET_NEXT_KEY</c> then <c>BPF_MAP_LOOKUP_ELEM</c>.</summary>
    [Benchmark]
    public ulong PerKeyIterationAll()
    {
        ulong sum = 0;
        bool more = _map!.TryGetFirstKey(out uint key);
        while (more)
        {
            if (_map.TryLookup(key, out ulong value))
            {
                sum += value;
            }

            more = _map.TryGetNextKey(key, out key);
        }

        return sum;
    }
}
