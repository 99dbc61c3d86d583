using System.Numerics;
using Ebpf.Kernel.Interop;

namespace Ebpf.Kernel;

/// <summary>Map probes of <see cref="Features"/>.</summary>
public sealed partial class Features
{
    /// <summary>Checks that the kernel can create maps of <paramref name="type"/>.</summary>
    /// <exception cref="EbpfNotSupportedException">It cannot.</exception>
    public void HaveMapType(BpfMapType type) =>
        Check(new ProbeKey("map", (ulong)type), static state => state.self.ProbeMap(state.type, BpfMapFlags.None, null), (self: this, type));

    /// <summary>Checks that the kernel accepts the map creation flag <paramref name="flag"/> (one bit).</summary>
    /// <exception cref="EbpfNotSupportedException">It does not.</exception>
    /// <exception cref="ArgumentException"><paramref name="flag"/> is not a single flag, or not one a map creation can probe.</exception>
    public void HaveMapFlag(BpfMapFlags flag)
    {
        if (BitOperations.PopCount((uint)flag) != 1)
        {
            throw new ArgumentException($"probe one flag at a time, not {flag}", nameof(flag));
        }

        var type = flag switch
        {
            BpfMapFlags.NoPrealloc or BpfMapFlags.ZeroSeed => BpfMapType.Hash,
            BpfMapFlags.NoCommonLru => BpfMapType.LruHash,
            BpfMapFlags.NumaNode or BpfMapFlags.Rdonly or BpfMapFlags.Wronly or BpfMapFlags.RdonlyProg
                or BpfMapFlags.WronlyProg or BpfMapFlags.Mmapable or BpfMapFlags.InnerMap => BpfMapType.Array,
            BpfMapFlags.StackBuildId => BpfMapType.StackTrace,
            BpfMapFlags.PreserveElems => BpfMapType.PerfEventArray,
            BpfMapFlags.Clone => BpfMapType.SkStorage,
            BpfMapFlags.SegvOnFault or BpfMapFlags.NoUserConv => BpfMapType.Arena,
            BpfMapFlags.Link => BpfMapType.StructOps,
            _ => throw new ArgumentException($"{flag} cannot be probed by creating a map", nameof(flag)),
        };
        Check(new ProbeKey("map-flag", (ulong)flag), static state => state.self.ProbeMap(state.type, state.flag, null), (self: this, type, flag));
    }

    /// <summary>
    /// Checks that struct_ops maps can register through a link (<c>.struct_ops.link</c> sections: maps created with
    /// <see cref="BpfMapFlags.Link"/>, Linux 6.4). Kernels before refuse the flag with EINVAL.
    /// </summary>
    /// <exception cref="EbpfNotSupportedException">They cannot.</exception>
    public void HaveStructOpsLink() =>
        Check(new ProbeKey("struct-ops-link", 0), static self => self.ProbeMap(BpfMapType.StructOps, BpfMapFlags.Link, null) is { } missing
            ? new EbpfNotSupportedException("struct_ops links (BPF_F_LINK struct_ops maps)", "6.4", missing.Errno, missing.InnerException)
            : null, this);

    /// <summary>Checks that maps can have a name (<c>map_name</c>, Linux 4.15).</summary>
    /// <exception cref="EbpfNotSupportedException">They cannot.</exception>
    public void HaveObjectName() =>
        Check(new ProbeKey("object-name", 0), static self => self.ProbeMap(BpfMapType.Array, BpfMapFlags.None, "feature_probe"), this);

    private EbpfNotSupportedException? ProbeMap(BpfMapType type, BpfMapFlags flag, string? name)
    {
        var attr = new MapCreateAttr { MapType = type, KeySize = 4, ValueSize = 4, MaxEntries = 1, MapFlags = flag };
        if (name is not null)
        {
            attr.MapName = BpfObjectName.From(name);
        }

        // Local storage maps need BTF: give ids and an invalid BTF fd. A kernel that knows the map type passes its
        // checks and only then fails to open the BTF (EBADF); one that does not stops at EINVAL.
        bool badBtfMeansSupported = false;
        // struct_ops maps need a kernel struct as value: id 1 is none, so a kernel with struct_ops says ENOTSUPP.
        bool notSupportedMeansSupported = false;
        BpfFileDescriptor? inner = null;
        switch (type)
        {
            case BpfMapType.StackTrace:
                attr.ValueSize = flag == BpfMapFlags.StackBuildId ? 32u : 8u; // sizeof(struct bpf_stack_build_id)
                break;
            case BpfMapType.LpmTrie:
                attr.KeySize = 8;
                attr.MapFlags |= BpfMapFlags.NoPrealloc;
                break;
            case BpfMapType.ArrayOfMaps or BpfMapType.HashOfMaps:
                inner = _syscalls.MapCreate(new MapCreateAttr { MapType = BpfMapType.Array, KeySize = 4, ValueSize = 4, MaxEntries = 1 });
                attr.InnerMapFd = (uint)inner.DangerousGetFd();
                break;
            case BpfMapType.CgroupStorage or BpfMapType.PercpuCgroupStorage:
                attr.KeySize = 16; // sizeof(struct bpf_cgroup_storage_key)
                attr.MaxEntries = 0;
                break;
            case BpfMapType.Queue or BpfMapType.Stack:
                attr.KeySize = 0;
                break;
            case BpfMapType.BloomFilter:
                attr.KeySize = 0;
                break;
            case BpfMapType.Ringbuf or BpfMapType.UserRingbuf:
                attr.KeySize = 0;
                attr.ValueSize = 0;
                attr.MaxEntries = (uint)Environment.SystemPageSize;
                break;
            case BpfMapType.Arena:
                attr.KeySize = 0;
                attr.ValueSize = 0;
                attr.MapFlags |= BpfMapFlags.Mmapable;
                break;
            case BpfMapType.SkStorage or BpfMapType.InodeStorage or BpfMapType.TaskStorage or BpfMapType.CgrpStorage:
                attr.MaxEntries = 0;
                attr.MapFlags |= BpfMapFlags.NoPrealloc;
                attr.BtfKeyTypeId = 1;
                attr.BtfValueTypeId = 1;
                attr.BtfFd = uint.MaxValue;
                badBtfMeansSupported = true;
                break;
            case BpfMapType.StructOps:
                attr.BtfVmlinuxValueTypeId = 1;
                notSupportedMeansSupported = true;
                break;
        }

        string feature = name is not null ? "object names (map_name)"
            : flag != BpfMapFlags.None ? $"map flag BPF_F_{FlagName(flag)}"
            : $"map type {KernelNames.Of(type)}";
        string? version = name is not null ? "4.15" : flag != BpfMapFlags.None ? MinimumKernelVersions.Of(flag) : MinimumKernelVersions.Of(type);
        try
        {
            using var fd = _syscalls.MapCreate(attr);
            return null;
        }
        catch (EbpfException e) when (e.Errno == Errno.EBADF && badBtfMeansSupported)
        {
            return null;
        }
        catch (EbpfException e) when (e.Errno is Errno.EINVAL or Errno.E2BIG)
        {
            return new EbpfNotSupportedException(feature, version, e.Errno, e);
        }
        catch (EbpfNotSupportedException) when (notSupportedMeansSupported)
        {
            return null;
        }
        catch (EbpfNotSupportedException e)
        {
            return new EbpfNotSupportedException(feature, version, e.Errno, e);
        }
        finally
        {
            inner?.Dispose();
        }
    }

    private static string FlagName(BpfMapFlags flag) => flag switch
    {
        BpfMapFlags.Rdonly => "RDONLY",
        BpfMapFlags.Wronly => "WRONLY",
        BpfMapFlags.RdonlyProg => "RDONLY_PROG",
        BpfMapFlags.WronlyProg => "WRONLY_PROG",
        _ => string.Concat(flag.ToString().Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + c : char.ToUpperInvariant(c).ToString())),
    };
}
