using Ebpf.Kernel;

namespace Ebpf.Links;

/// <summary>
/// Where a TCX or netkit program goes in the device's program list (<c>BPF_F_BEFORE</c>/<c>BPF_F_AFTER</c> with a
/// relative program or link, by descriptor or by id). <see cref="Last"/> is the default.
/// </summary>
public sealed class LinkAnchor
{
    /// <summary><c>BPF_F_BEFORE</c>.</summary>
    internal const uint FlagBefore = 1 << 3;

    /// <summary><c>BPF_F_AFTER</c>.</summary>
    internal const uint FlagAfter = 1 << 4;

    /// <summary><c>BPF_F_ID</c>: the relative object is given by id.</summary>
    internal const uint FlagId = 1 << 5;

    /// <summary><c>BPF_F_LINK</c>: the relative object is a link.</summary>
    internal const uint FlagLink = 1 << 13;

    private LinkAnchor(uint flags, BpfFileDescriptor? relative, uint relativeId)
    {
        Flags = flags;
        Relative = relative;
        RelativeId = relativeId;
    }

    /// <summary>Before every other program.</summary>
    public static LinkAnchor First { get; } = new(FlagBefore, null, 0);

    /// <summary>After every other program.</summary>
    public static LinkAnchor Last { get; } = new(FlagAfter, null, 0);

    /// <summary>The <c>BPF_F_*</c> flags.</summary>
    internal uint Flags { get; }

    /// <summary>The relative program or link descriptor, if given by descriptor.</summary>
    internal BpfFileDescriptor? Relative { get; }

    /// <summary>The relative program or link id, if given by id.</summary>
    internal uint RelativeId { get; }

    /// <summary>Right before <paramref name="program"/>.</summary>
    public static LinkAnchor BeforeProgram(BpfFileDescriptor program) => new(FlagBefore, Require(program), 0);

    /// <summary>Right after <paramref name="program"/>.</summary>
    public static LinkAnchor AfterProgram(BpfFileDescriptor program) => new(FlagAfter, Require(program), 0);

    /// <summary>Right before <paramref name="program"/>.</summary>
    public static LinkAnchor BeforeProgram(Program program) => BeforeProgram(ProgramFd(program));

    /// <summary>Right after <paramref name="program"/>.</summary>
    public static LinkAnchor AfterProgram(Program program) => AfterProgram(ProgramFd(program));

    /// <summary>Right before the program with id <paramref name="programId"/>.</summary>
    public static LinkAnchor BeforeProgramId(uint programId) => new(FlagBefore | FlagId, null, programId);

    /// <summary>Right after the program with id <paramref name="programId"/>.</summary>
    public static LinkAnchor AfterProgramId(uint programId) => new(FlagAfter | FlagId, null, programId);

    /// <summary>Right before the program of <paramref name="link"/>.</summary>
    public static LinkAnchor BeforeLink(Link link) => new(FlagBefore | FlagLink, RequireFd(link), 0);

    /// <summary>Right after the program of <paramref name="link"/>.</summary>
    public static LinkAnchor AfterLink(Link link) => new(FlagAfter | FlagLink, RequireFd(link), 0);

    /// <summary>Right before the link with id <paramref name="linkId"/>.</summary>
    public static LinkAnchor BeforeLinkId(uint linkId) => new(FlagBefore | FlagLink | FlagId, null, linkId);

    /// <summary>Right after the link with id <paramref name="linkId"/>.</summary>
    public static LinkAnchor AfterLinkId(uint linkId) => new(FlagAfter | FlagLink | FlagId, null, linkId);

    private static BpfFileDescriptor Require(BpfFileDescriptor fd)
    {
        ArgumentNullException.ThrowIfNull(fd);
        return fd;
    }

    private static BpfFileDescriptor ProgramFd(Program program)
    {
        ArgumentNullException.ThrowIfNull(program);
        return program.FileDescriptor;
    }

    private static BpfFileDescriptor RequireFd(Link link)
    {
        ArgumentNullException.ThrowIfNull(link);
        return link.Fd ?? throw new ArgumentException("the link has no bpf_link descriptor", nameof(link));
    }
}
