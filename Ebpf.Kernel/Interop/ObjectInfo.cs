using Ebpf.Kernel.Interop;

namespace Ebpf.Kernel.Interop;

/// <summary><c>BPF_OBJ_GET_INFO_BY_FD</c> shortcuts for code that holds only a descriptor.</summary>
internal static unsafe class ObjectInfo
{
    /// <summary>The <c>bpf_map_info</c> of the map <paramref name="fd"/>.</summary>
    public static MapInfo OfMap(IBpfSyscalls sys, BpfFileDescriptor fd)
    {
        MapInfo info = default;
        using var use = new FdUse(fd);
        var attr = new ObjGetInfoAttr { BpfFd = use.Fd, InfoLen = (uint)sizeof(MapInfo), Info = (ulong)&info };
        sys.ObjGetInfoByFd(ref attr);
        return info;
    }

    /// <summary>The map's info, checked to be of <paramref name="expected"/> type.</summary>
    /// <exception cref="ArgumentException">The map is of another type.</exception>
    public static MapInfo OfMap(IBpfSyscalls sys, BpfFileDescriptor fd, BpfMapType expected, string parameterName)
    {
        var info = OfMap(sys, fd);
        if (info.Type != expected)
        {
            throw new ArgumentException($"the map is a {KernelNames.Of(info.Type)}, not a {KernelNames.Of(expected)}", parameterName);
        }

        return info;
    }
}
