using Ebpf.Kernel;
using Ebpf.Kernel.Interop;
using Ebpf.Specs;

namespace Ebpf.Links;

/// <summary>
/// A BTF-typed tracing program loaded with an <c>attach_btf_id</c> attached to its target: <c>tp_btf</c>
/// (<see cref="BpfAttachType.TraceRawTp"/>), <c>fentry</c>, <c>fexit</c>, <c>fmod_ret</c>, <c>lsm</c>
/// (<see cref="TracingAttachExtensions.AttachTracing"/>), and <c>freplace</c> (<see cref="BpfProgramType.Ext"/>,
/// <see cref="TracingAttachExtensions.AttachFreplace(Program, Program, string)"/>) programs. Made with <c>BPF_LINK_CREATE</c> (with a cookie on
/// Linux 5.19+), falling back to <c>BPF_RAW_TRACEPOINT_OPEN</c> without a name.
/// </summary>
public sealed class TracingLink : Link
{
    private TracingLink(BpfFileDescriptor fd, IBpfSyscalls syscalls)
        : base(fd, syscalls)
    {
    }

    /// <summary>Attaches <paramref name="program"/> to the target it was loaded for.</summary>
    internal static TracingLink Attach(BpfFileDescriptor program, BpfAttachType attachType, ulong cookie, IBpfSyscalls sys) =>
        Attach(program, attachType, null, 0, cookie, extension: false, sys);

    /// <summary>
    /// Attaches extension program <paramref name="program"/> in place of function <paramref name="targetBtfId"/> of
    /// <paramref name="target"/> (freplace); with no target, in place of the function it was loaded for.
    /// </summary>
    internal static TracingLink AttachReplace(BpfFileDescriptor program, BpfFileDescriptor? target, uint targetBtfId, IBpfSyscalls sys) =>
        Attach(program, 0, target, targetBtfId, 0, extension: true, sys);

    private static TracingLink Attach(BpfFileDescriptor program, BpfAttachType attachType, BpfFileDescriptor? target, uint targetBtfId, ulong cookie,
        bool extension, IBpfSyscalls sys)
    {
        ArgumentNullException.ThrowIfNull(program);
        using var programUse = new FdUse(program);
        try
        {
            using var targetUse = FdUse.Optional(target);
            var attr = new LinkCreateAttr
            {
                ProgFd = programUse.Fd,
                TargetFd = targetUse.Fd,
                AttachType = attachType,
                TargetBtfId = targetBtfId,
            };
            if (cookie != 0)
            {
                attr.TracingCookie = cookie;
            }

            var fd = sys.LinkCreate(attr);
            return new TracingLink(fd, sys);
        }
        catch (EbpfException e) when (e.Errno == Errno.EINVAL && target is null && cookie == 0)
        {
            // Kernels before 5.10 (and before 6.10 for tp_btf) attach these through BPF_RAW_TRACEPOINT_OPEN.
            try
            {
                var fd = sys.RawTracepointOpen(new RawTracepointOpenAttr { ProgFd = programUse.Fd });
                return new TracingLink(fd, sys);
            }
            catch (EbpfException again) when (IsReattach(again, attachType, target))
            {
                throw Reattach(again);
            }
        }
        catch (EbpfException e) when (IsReattach(e, attachType, target))
        {
            throw Reattach(e);
        }
        catch (EbpfException e) when (e.Errno == Errno.EINVAL && cookie != 0)
        {
            throw new EbpfNotSupportedException("BPF cookie on tracing links", "5.19", e.Errno, e);
        }
        catch (EbpfPermissionException e) when (Explain(e, attachType, extension) is var explained && explained != e)
        {
            throw explained; // as root, EPERM means lockdown or no trampolines, not missing capabilities
        }
    }

    /// <summary>
    /// Before Linux 5.13 the kernel keeps a program's trampoline target only until its first link closes: attaching a
    /// fentry, fexit, fmod_ret or lsm program a second time fails with ENOENT.
    /// </summary>
    private static bool IsReattach(EbpfException e, BpfAttachType attachType, BpfFileDescriptor? target) =>
        e.Errno == Errno.ENOENT && target is null && e is not EbpfPermissionException
        && attachType is BpfAttachType.TraceFentry or BpfAttachType.TraceFexit or BpfAttachType.ModifyReturn or BpfAttachType.LsmMac;

    private static EbpfNotSupportedException Reattach(EbpfException e) =>
        new("attaching a tracing or LSM program again after its first link was closed (load the program again instead)", "5.13", e.Errno, e);

    private static EbpfPermissionException Explain(EbpfPermissionException refusal, BpfAttachType attachType, bool extension)
    {
        var type = extension ? BpfProgramType.Ext
            : attachType is BpfAttachType.LsmMac or BpfAttachType.LsmCgroup ? BpfProgramType.Lsm
            : BpfProgramType.Tracing;
        return EbpfPermissionException.ExplainTracingRefusal(refusal, type, extension ? null : attachType, extension ? "freplace link" : $"{KernelNames.Of(attachType)} link");
    }
}
