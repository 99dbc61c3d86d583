namespace Ebpf.Links;

/// <summary>What attaching a program from its section does (<see cref="SectionAttachPlan"/>).</summary>
internal enum SectionAttachVerb
{
    /// <summary>The section names no target (<c>kprobe</c>, <c>tracepoint</c>): the program needs the verb called with one.</summary>
    NoTarget,

    /// <summary>The program's kind always needs arguments (an interface, a cgroup, a socket...): the plan's reason names the verb.</summary>
    NeedsArguments,

    /// <summary>The section names its target in a form that cannot be attached (a kretprobe with an offset, a tracepoint without a group).</summary>
    Invalid,

    /// <summary><c>AttachTracepoint(Group, Target)</c>.</summary>
    Tracepoint,

    /// <summary><c>AttachRawTracepoint(Target)</c>.</summary>
    RawTracepoint,

    /// <summary><c>AttachTracing(AttachType)</c>: the target was resolved at load.</summary>
    Tracing,

    /// <summary><c>AttachIterator()</c>.</summary>
    Iterator,

    /// <summary><c>AttachFreplace()</c>: the target program was given at load.</summary>
    Freplace,

    /// <summary><c>AttachKprobe(Target, { ReturnProbe, Offset })</c>.</summary>
    Kprobe,

    /// <summary>A kprobe on the kernel's entry of system call <c>Target</c> (<c>__x64_sys_NAME</c> where the kernel wraps system calls, else <c>sys_NAME</c>).</summary>
    Syscall,

    /// <summary><c>AttachKprobeMulti</c> on every kernel function matching glob <c>Target</c> (a session for <c>kprobe.session</c>).</summary>
    KprobeMulti,

    /// <summary><c>AttachUprobe(Binary, Target, { ReturnProbe })</c> at the function's offset plus <c>Offset</c>.</summary>
    Uprobe,

    /// <summary><c>AttachUprobeMulti</c> on every function of <c>Binary</c> matching glob <c>Target</c> (a session for <c>uprobe.session</c>).</summary>
    UprobeMulti,

    /// <summary><c>AttachUsdt(Binary, Provider, Target)</c> in every process.</summary>
    Usdt,
}
