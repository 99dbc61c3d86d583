using Ebpf.Kernel.Interop;

namespace Ebpf.Kernel;

/// <summary>
/// A BPF map: an owned descriptor plus the shape the element operations check against. Create one from a
/// <see cref="MapSpec"/> with <see cref="Create"/>, or open an existing one with <see cref="Open"/>,
/// <see cref="OpenById"/> or <see cref="OpenPinned"/>. Element operations come as span and <c>unmanaged</c>
/// generic overloads; they allocate nothing and their <c>Try</c> forms report a missing key without an exception.
/// Disposing closes the descriptor (the kernel frees the map when nothing else refers to it).
/// </summary>
public sealed partial class Map : IDisposable
{
    private readonly IBpfSyscalls _syscalls;
    private readonly BpfFileDescriptor _fd;

    /// <summary>True when <see cref="_syscalls"/> is the real kernel: element operations then call it directly.</summary>
    private readonly bool _direct;

    private Map(IBpfSyscalls syscalls, BpfFileDescriptor fd, BpfMapType type, uint keySize, uint valueSize, uint maxEntries, BpfMapFlags flags, string name)
    {
        _syscalls = syscalls;
        _direct = TokenSyscalls.Inner(syscalls) is LinuxBpfSyscalls; // element commands take no token
        _fd = fd;
        Type = type;
        KeySize = keySize;
        ValueSize = valueSize;
        MaxEntries = maxEntries;
        Flags = flags;
        Name = name;
        IsPerCpu = type is BpfMapType.PercpuHash or BpfMapType.PercpuArray or BpfMapType.LruPercpuHash or BpfMapType.PercpuCgroupStorage;
        ValueStride = IsPerCpu ? checked((int)(RoundUp8(valueSize) * (uint)PossibleCpus.Count)) : (int)valueSize;
    }

    /// <summary>The map type.</summary>
    public BpfMapType Type { get; }

    /// <summary>Key size in bytes (0 for queues, stacks, bloom filters and ring buffers).</summary>
    public uint KeySize { get; }

    /// <summary>Value size in bytes of one element (of one CPU's slot, for per-CPU maps).</summary>
    public uint ValueSize { get; }

    /// <summary>Maximum number of entries (bytes, for a ring buffer).</summary>
    public uint MaxEntries { get; }

    /// <summary>The creation flags.</summary>
    public BpfMapFlags Flags { get; }

    /// <summary>The spec's name for a created map; the kernel's (at most 15 characters) for an opened one.</summary>
    public string Name { get; }

    /// <summary>Whether values hold one slot per possible CPU (<see cref="PossibleCpus.Count"/> slots of <see cref="ValueSize"/> rounded up to 8 bytes).</summary>
    public bool IsPerCpu { get; }

    /// <summary>
    /// The bytes a value buffer of the span operations must have: <see cref="ValueSize"/>, or for per-CPU maps
    /// <see cref="PossibleCpus.Count"/> × <see cref="ValueSize"/> rounded up to 8.
    /// </summary>
    public int ValueStride { get; }

    /// <summary>The kernel interface the map was created or opened with.</summary>
    internal IBpfSyscalls Syscalls => _syscalls;

    /// <summary>The map's descriptor, owned by this object.</summary>
    public BpfFileDescriptor FileDescriptor => _fd;

    /// <summary>The path this object pinned the map at, or null.</summary>
    public string? PinnedPath { get; private set; }

    /// <summary>
    /// Wraps an open map descriptor, taking ownership of it; reads the map's shape with <c>BPF_OBJ_GET_INFO_BY_FD</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The descriptor is not a map (it is closed).</exception>
    public static Map Open(BpfFileDescriptor fd, IBpfSyscalls? syscalls = null)
    {
        ArgumentNullException.ThrowIfNull(fd);
        syscalls ??= LinuxBpfSyscalls.Instance;
        try
        {
            EnsureIsMap(fd);
            var info = ReadInfo(syscalls, fd);
            return new Map(syscalls, fd, info.Type, info.KeySize, info.ValueSize, info.MaxEntries, info.MapFlags, info.Name.ToString());
        }
        catch
        {
            fd.Dispose();
            throw;
        }
    }

    /// <summary>Opens the map with kernel id <paramref name="id"/>.</summary>
    /// <exception cref="EbpfException">No map has the id (ENOENT), or the caller may not open it.</exception>
    public static Map OpenById(uint id, IBpfSyscalls? syscalls = null)
    {
        syscalls ??= LinuxBpfSyscalls.Instance;
        return Open(syscalls.GetFdById(BpfObjectKind.Map, new GetIdAttr { Id = id }), syscalls);
    }

    /// <summary>Opens the map pinned at <paramref name="path"/> on a bpffs.</summary>
    /// <exception cref="EbpfException">Nothing is pinned there (ENOENT), or the pinned object is not a map.</exception>
    public static Map OpenPinned(string path, IBpfSyscalls? syscalls = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        syscalls ??= LinuxBpfSyscalls.Instance;
        var map = Open(BpfPin.Open(path, syscalls), syscalls);
        map.PinnedPath = path;
        return map;
    }

    /// <summary>Pins the map at <paramref name="path"/> on a bpffs, so it outlives this process.</summary>
    /// <exception cref="EbpfException">The path exists (EEXIST) or is not on a bpffs.</exception>
    public void Pin(string path)
    {
        BpfPin.Pin(_fd, path, _syscalls);
        PinnedPath = path;
    }

    /// <summary>Removes the pin this object made or opened; does nothing when there is none.</summary>
    /// <exception cref="IOException">The pin cannot be removed.</exception>
    public void Unpin()
    {
        if (PinnedPath is { } path)
        {
            File.Delete(path);
            PinnedPath = null;
        }
    }

    /// <summary>Reads the map's kernel description (<c>struct bpf_map_info</c>): id, shape, name, BTF ids.</summary>
    public MapInfo Info() => ReadInfo(_syscalls, _fd);

    /// <summary>A second <see cref="Map"/> over a duplicate of the descriptor; both refer to the same kernel map.</summary>
    public Map Clone() =>
        new(_syscalls, _fd.Dup(), Type, KeySize, ValueSize, MaxEntries, Flags, Name);

    /// <summary>Makes the map read-only for user space (<c>BPF_MAP_FREEZE</c>); programs may still write unless created with <see cref="BpfMapFlags.RdonlyProg"/>.</summary>
    /// <exception cref="EbpfException">The map is already frozen (EBUSY) or cannot be frozen.</exception>
    public void Freeze()
    {
        using var use = new FdUse(_fd);
        _syscalls.MapFreeze(new MapFreezeAttr { MapFd = use.Fd });
    }

    /// <summary>Unregisters a struct_ops map this object registered (<see cref="RegisterStructOps"/>), then closes the descriptor. A pin stays.</summary>
    public void Dispose()
    {
        StructOps?.Release();
        _fd.Dispose();
    }

    /// <inheritdoc />
    public override string ToString() => $"Map {Name} ({Type}, key {KeySize}, value {ValueSize}, max {MaxEntries}, flags {Flags})";

    private static unsafe MapInfo ReadInfo(IBpfSyscalls syscalls, BpfFileDescriptor fd)
    {
        MapInfo info = default;
        using var use = new FdUse(fd);
        var attr = new ObjGetInfoAttr { BpfFd = use.Fd, InfoLen = (uint)sizeof(MapInfo), Info = (ulong)&info };
        syscalls.ObjGetInfoByFd(ref attr);
        return info;
    }

    /// <summary>
    /// Checks with <c>/proc/self/fdinfo</c> that the descriptor is a map: <c>BPF_OBJ_GET_INFO_BY_FD</c> would fill
    /// the info of a program or link as well. Skipped when the file cannot be read.
    /// </summary>
    private static void EnsureIsMap(BpfFileDescriptor fd)
    {
        string text;
        try
        {
            using var use = new FdUse(fd);
            text = File.ReadAllText($"/proc/self/fdinfo/{use.Fd}");
        }
        catch (IOException)
        {
            return;
        }
        catch (UnauthorizedAccessException)
        {
            return;
        }

        if (!text.Contains("map_type:", StringComparison.Ordinal))
        {
            throw new ArgumentException($"{fd} is not a BPF map", nameof(fd));
        }
    }


    private static uint RoundUp8(uint size) => (size + 7) & ~7u;
}
