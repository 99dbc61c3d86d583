using Ebpf.Kernel;
using Ebpf.Kernel.Interop;
using Ebpf.Specs;

namespace Ebpf.Links;

/// <summary>
/// A program attached with <c>BPF_PROG_ATTACH</c> (no <c>bpf_link</c>): cgroup hooks on kernels before 5.7, and
/// sockmap/sockhash (<c>sk_msg</c>, <c>sk_skb</c>) before 6.10, and other hooks attached to a target descriptor
/// (<see cref="ProgramAttachExtensions.AttachRaw(Program, BpfFileDescriptor, BpfAttachType, uint)"/>). Disposing detaches
/// with <c>BPF_PROG_DETACH</c>; it cannot be pinned, and <see cref="Link.Info"/> is not available.
/// </summary>
public sealed class ProgramAttachment : Link
{
    /// <summary><c>BPF_F_REPLACE</c>.</summary>
    private const uint FlagReplace = 4;

    private readonly BpfFileDescriptor _target;
    private readonly uint _flags;
    private BpfFileDescriptor _program;
    private bool _detached;

    private ProgramAttachment(BpfFileDescriptor target, BpfFileDescriptor program, BpfAttachType attachType, uint flags, IBpfSyscalls syscalls)
        : base(syscalls)
    {
        _target = target;
        _program = program;
        AttachType = attachType;
        _flags = flags;
    }

    /// <summary>The attach type.</summary>
    public BpfAttachType AttachType { get; }

    /// <summary>
    /// Attaches <paramref name="program"/> to <paramref name="target"/> with <c>BPF_PROG_ATTACH</c>. Both descriptors are
    /// duplicated: the caller keeps ownership of its own.
    /// </summary>
    internal static ProgramAttachment Attach(BpfFileDescriptor program, BpfFileDescriptor target, BpfAttachType attachType, uint flags,
        IBpfSyscalls sys)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(target);
        using var targetUse = new FdUse(target);
        using var programUse = new FdUse(program);
        sys.ProgAttach(new ProgAttachAttr
        {
            TargetFd = targetUse.Fd, AttachBpfFd = programUse.Fd, AttachType = attachType, AttachFlags = flags,
        });
        return new ProgramAttachment(target.Dup(), program.Dup(), attachType, flags, sys);
    }

    /// <summary>Replaces the program: <c>BPF_PROG_ATTACH</c> with <c>BPF_F_REPLACE</c> when attached with <c>BPF_F_ALLOW_MULTI</c>, else a plain re-attach.</summary>
    /// <param name="newProgram">The program to run from now on.</param>
    public override void Update(BpfFileDescriptor newProgram)
    {
        ArgumentNullException.ThrowIfNull(newProgram);
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        bool multi = (_flags & (uint)CgroupAttachFlags.AllowMulti) != 0;
        using var targetUse = new FdUse(_target);
        using var newProgramUse = new FdUse(newProgram);
        using var programUse = new FdUse(_program);
        Syscalls.ProgAttach(new ProgAttachAttr
        {
            TargetFd = targetUse.Fd,
            AttachBpfFd = newProgramUse.Fd,
            AttachType = AttachType,
            AttachFlags = multi ? _flags | FlagReplace : _flags,
            ReplaceBpfFd = multi ? programUse.Fd : 0,
        });
        var old = _program;
        _program = newProgram.Dup();
        old.Dispose();
    }

    /// <summary>Detaches the program (<c>BPF_PROG_DETACH</c>).</summary>
    public override void Detach()
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        if (_detached)
        {
            return;
        }

        using var targetUse = new FdUse(_target);
        using var programUse = new FdUse(_program);
        Syscalls.ProgDetach(new ProgAttachAttr
        {
            TargetFd = targetUse.Fd, AttachBpfFd = programUse.Fd, AttachType = AttachType,
        });
        _detached = true;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            try
            {
                if (!_detached)
                {
                    using var targetUse = new FdUse(_target);
                    using var programUse = new FdUse(_program);
                    Syscalls.ProgDetach(new ProgAttachAttr
                    {
                        TargetFd = targetUse.Fd, AttachBpfFd = programUse.Fd, AttachType = AttachType,
                    });
                }
            }
            catch (EbpfException)
            {
                // Already detached by someone else.
            }
            finally
            {
                _detached = true;
                _target.Dispose();
                _program.Dispose();
            }
        }

        base.Dispose(disposing);
    }
}
