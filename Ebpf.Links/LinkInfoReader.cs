using System.Text;
using Ebpf.Kernel;
using Ebpf.Kernel.Interop;
using Ebpf.Specs;

namespace Ebpf.Links;

/// <summary>Reads <c>struct bpf_link_info</c> of a link descriptor, with a second call for the name buffers.</summary>
internal static unsafe class LinkInfoReader
{
    private const int NameCapacity = 4096;

    public static LinkInfo Read(IBpfSyscalls syscalls, BpfFileDescriptor link)
    {
        BpfLinkInfo info = Query(syscalls, link, default);
        string? name = null;
        var buffer = new byte[NameCapacity];
        fixed (byte* p = buffer)
        {
            var request = default(BpfLinkInfo);
            bool wantsName = true;
            switch (info.Type)
            {
                case BpfLinkType.RawTracepoint:
                case BpfLinkType.Iter:
                    request.NameBuffer = (ulong)p;
                    request.NameBufferLen = NameCapacity;
                    break;
                case BpfLinkType.PerfEvent when info.PerfEventType is >= 1 and <= 5:
                    request.PerfEventName = (ulong)p;
                    request.PerfEventNameLen = NameCapacity;
                    break;
                case BpfLinkType.UprobeMulti:
                    request.UprobeMultiPath = (ulong)p;
                    request.UprobeMultiPathSize = NameCapacity;
                    break;
                default:
                    wantsName = false;
                    break;
            }

            if (wantsName)
            {
                info = Query(syscalls, link, request);
                int end = Array.IndexOf(buffer, (byte)0);
                name = Encoding.UTF8.GetString(buffer, 0, end < 0 ? buffer.Length : end);
            }
        }

        return ToRecord(info, name);
    }

    /// <summary>Converts the raw struct; <paramref name="name"/> is the string read into its name buffer, if any.</summary>
    public static LinkInfo ToRecord(in BpfLinkInfo info, string? name)
    {
        var result = new LinkInfo(info.Id, info.Type, info.ProgId) { Name = name };
        return info.Type switch
        {
            BpfLinkType.Tracing => result with
            {
                // Kernels before 5.13 fill only the attach type; a target is never id 0, so 0 means not reported.
                AttachType = info.TracingAttachType,
                TargetObjectId = info.TracingTargetObjId == 0 ? null : info.TracingTargetObjId,
                TargetBtfId = info.TracingTargetBtfId == 0 ? null : info.TracingTargetBtfId,
            },
            BpfLinkType.Cgroup => result with { CgroupId = info.CgroupId, AttachType = info.CgroupAttachType },
            BpfLinkType.RawTracepoint => result with { Cookie = info.RawTracepointCookie },
            BpfLinkType.Iter => result with { MapId = info.IterMapId == 0 ? null : info.IterMapId },
            BpfLinkType.Netns => result with { NetnsInode = info.NetnsIno, AttachType = info.NetnsAttachType },
            BpfLinkType.Xdp => result with { IfIndex = (int)info.IfIndex },
            BpfLinkType.Tcx or BpfLinkType.Netkit => result with { IfIndex = (int)info.IfIndex, AttachType = info.DeviceAttachType },
            BpfLinkType.StructOps => result with { MapId = info.MapId },
            BpfLinkType.Sockmap => result with { MapId = info.MapId, AttachType = info.SockmapAttachType },
            BpfLinkType.Netfilter => result with
            {
                Netfilter = (info.NetfilterPf, info.NetfilterHooknum, info.NetfilterPriority, info.NetfilterFlags),
            },
            BpfLinkType.KprobeMulti => result with { Count = info.KprobeMultiCount },
            BpfLinkType.UprobeMulti => result with { Count = info.UprobeMultiCount, Pid = info.UprobeMultiPid },
            BpfLinkType.PerfEvent => PerfEvent(result, info),
            _ => result,
        };
    }

    private static LinkInfo PerfEvent(LinkInfo result, in BpfLinkInfo info)
    {
        var kind = (PerfEventLinkKind)info.PerfEventType;
        return kind switch
        {
            PerfEventLinkKind.Unspecified => result, // kernels before 6.6 report no perf_event link info: leave it absent
            PerfEventLinkKind.Uprobe or PerfEventLinkKind.Uretprobe => result with
            {
                PerfEventKind = kind, Offset = info.PerfEventOffset, Cookie = info.PerfEventCookie,
                ReferenceCounterOffset = info.PerfEventUprobeRefCtrOffset,
            },
            PerfEventLinkKind.Kprobe or PerfEventLinkKind.Kretprobe => result with
            {
                PerfEventKind = kind, Offset = info.PerfEventOffset, Cookie = info.PerfEventKprobeCookie,
            },
            _ => result with { PerfEventKind = kind, Cookie = info.PerfEventCookie },
        };
    }

    private static BpfLinkInfo Query(IBpfSyscalls syscalls, BpfFileDescriptor link, BpfLinkInfo request)
    {
        using var use = new FdUse(link);
        var attr = new ObjGetInfoAttr { BpfFd = use.Fd, InfoLen = (uint)sizeof(BpfLinkInfo), Info = (ulong)&request };
        syscalls.ObjGetInfoByFd(ref attr);
        return request;
    }
}
